"""The client's AVG rights (docs/avg.md): requests registered and handled by the privacy officer.

The top layer (above keten): an inzage export reads every app, and a granted verwijdering goes through the
retention machinery of keten (keten.retention)."""
