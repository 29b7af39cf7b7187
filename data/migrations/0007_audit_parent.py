"""0007: the audit trail names the record a changed row belongs to (a phone's owner, an
attendee's event), so a record's history panel shows its parts' changes too."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('audit_log', 'parent_entity', CharField(max_length=30, default='')),
        migrator.add_column('audit_log', 'parent_id', IntegerField(null=True)),
        migrator.add_index('audit_log', ('parent_entity', 'parent_id', 'at')),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('audit_log', 'audit_log_parent_entity_parent_id_at'),
        migrator.drop_column('audit_log', 'parent_id'),
        migrator.drop_column('audit_log', 'parent_entity'),
    )
