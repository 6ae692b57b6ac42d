"""SQLAlchemy 2 async persistence: tables, engines, repositories, unit of work, migrations."""
