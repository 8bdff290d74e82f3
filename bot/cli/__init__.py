"""The ``csp-bot`` command line: :mod:`bot.cli.main` parses and dispatches; feature modules
add their sub-commands (:mod:`bot.cli.partners`, :mod:`bot.cli.summary`)."""
