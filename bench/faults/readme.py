"""Write one section of bench/README.md between its own markers (the rest of the file belongs to others)."""

from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def update_section(name, title, body):
    """Replace the block `<!-- bench:<name>:start -->…end -->`; append `## title` with the block when missing."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    text = README.read_text()
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n## {title}\n\n{block}\n"
    README.write_text(text)
