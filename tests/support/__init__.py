"""Real components for the tests (browser, IMAP, SMTP, production server), started and stopped by
fixtures: nothing is mocked. See the README's « Tests » section."""
