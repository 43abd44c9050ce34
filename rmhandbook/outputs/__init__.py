"""Writers: the export bundle, calendar, PDFs, schemas, atomic publish, link check, scaffold."""
