"""Tasks: therapy projects (one per therapy type), tasks from signed quotations, timesheets, progress notes."""
