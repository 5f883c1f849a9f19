"""The paper Numérimètre: one layout that draws the PDF and reads the scan."""
