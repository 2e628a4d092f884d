"""Reading the documents a seller brings (PDFs, e-mails, pictures): their text, and what kind
of evidence each one is. Knows nothing of cases or the vault."""
