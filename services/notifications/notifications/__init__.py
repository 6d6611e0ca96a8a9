"""The notifications service: templates, reminders, preferences, and the delivery log of every e-mail and SMS."""
