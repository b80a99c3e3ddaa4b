"""Page objects for the appointment portal: one module per page, no CLI, no profile rules.

Each page object knows how to recognise its page, fill it from a portal form
(:mod:`assistant.portal_forms`), press its button, and read the portal's own errors.
"""
