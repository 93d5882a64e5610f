"""Accessibility checks with axe-core (vendored in static/vendor) in the browser tests."""


def serious_violations(page):
    """axe-core violations of impact serious or critical on the current page (WCAG 2.1 A and AA rules)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url="/static/vendor/axe.min.js")  # same origin: allowed by the CSP
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                    resultTypes: ['violations']})"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page):
    violations = serious_violations(page)
    assert not violations, "axe-core:\n" + "\n".join(violations)
