"""Paper Numérimètre forms printed from the professional pages: blank ones, and one for a
person (their reference in the QR code, so that the scan is filed with them)."""
