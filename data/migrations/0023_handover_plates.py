"""0023: shift handovers stored before visitors' plates were left out of them (the handover
is kept for ever, retention never reaches it) — the plate scrubbed from each stored line of
the "visitors" section, in the items (JSON) and in the body (the same lines as text). No
schema change. The audit trail records no copy: the items column is not audited, and the
body is rewritten with the audit switched off for this transaction.

A line of that section was "in since … · name · place · purpose · 沪A·12345" (data.registers.
visitors.handover_items): its last part, when it is a plate as shown (two characters, a
middle dot, the rest), is dropped. Notes typed by the staff are free text and left as
they are."""
import json
import re

from peewee import Model, PostgresqlDatabase, TextField

#: A plate as handover lines showed it: province character + letter, "·", 5–6 letters/digits.
_PLATE = re.compile(r" · [\u4e00-\u9fff][A-Z]·[A-Z0-9\u4e00-\u9fff]{4,7}$")


def _scrubbed(text):
    return _PLATE.sub("", text)


def up(migrator, db):
    class Handover(Model):
        items = TextField(default='')
        body = TextField(default='')
        class Meta:
            database = db
            table_name = 'handover'

    is_pg = isinstance(getattr(db, "obj", db), PostgresqlDatabase)
    with db.atomic():
        if is_pg:
            db.execute_sql("SELECT set_config('frontdesk.audit', 'off', true)")
        else:
            from data.audit import suspended
        rows = list(Handover.select(Handover.id, Handover.items, Handover.body)
                    .where(Handover.items.contains('"visitor"')).tuples())
        for row_id, items, body in rows:
            try:
                sections = json.loads(items or "[]")
            except ValueError:
                continue
            changed = False
            for section in sections if isinstance(sections, list) else []:
                if not isinstance(section, dict):
                    continue
                for item in section.get("items") or []:
                    if not isinstance(item, dict) or item.get("entity") != "visitor":
                        continue
                    text = item.get("text")
                    if not isinstance(text, str):
                        continue
                    clean = _scrubbed(text)
                    if clean != text:
                        body = (body or "").replace(f"· {text}", f"· {clean}")
                        item["text"] = clean
                        changed = True
            if not changed:
                continue
            update = Handover.update(items=json.dumps(sections, ensure_ascii=False), body=body).where(
                Handover.id == row_id)
            if is_pg:
                update.execute()
            else:
                with suspended():
                    update.execute()


def down(migrator, db):
    pass  # what was scrubbed is not put back
