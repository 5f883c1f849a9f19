"""One folder per feature: its controllers (pages and API), service, schemas and guards."""
