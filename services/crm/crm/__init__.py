"""CRM: clients (children), guardians and circle of care, opportunities and their stages."""
