# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Diary: reminders of works and notifications of the employees

Notifications are Tryton's user notifications (``res.notification``):
they stay unread until the user reads them, so at their next login users
find every event on their clients since they last looked.
"""
import datetime as dt
import json
import logging
from collections import defaultdict
from email.message import EmailMessage

from trytond.config import config
from trytond.i18n import gettext
from trytond.model import Model
from trytond.modules.ric_base.batch import id_slices, in_ids
from trytond.pool import Pool, PoolMeta
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction, without_check_access

logger = logging.getLogger(__name__)


class Notification(Model):
    "Task Notifications"
    __name__ = 'ric.task.notification'
    __string__ = "Task Notifications"

    @classmethod
    def employee_users(cls, employee_ids):
        "Return {employee id: [user id, …]} of the active users of employees"
        pool = Pool()
        UserEmployee = pool.get('res.user-company.employee')
        User = pool.get('res.user')
        relation = UserEmployee.__table__()
        user = User.__table__()
        cursor = Transaction().connection.cursor()
        result = defaultdict(list)
        for sub_ids in id_slices(employee_ids):
            cursor.execute(*relation.join(user,
                    condition=user.id == relation.user).select(
                    relation.employee, relation.user,
                    where=in_ids(relation.employee, sub_ids)
                    & (user.active == True),  # noqa: E712
                    order_by=[relation.employee, relation.user]))
            for employee_id, user_id in cursor:
                result[employee_id].append(user_id)
        return result

    @classmethod
    def notify(cls, items):
        """Create the user notifications of items

        items is a list of (employee id, label, description, model, record
        ids); one notification per user of each employee, in one create."""
        pool = Pool()
        ResNotification = pool.get('res.notification')
        items = [i for i in items if i[0]]
        if not items:
            return []
        users = cls.employee_users({i[0] for i in items})
        current = Transaction().user
        vlist = []
        for employee_id, label, description, model, ids in items:
            for user_id in users.get(employee_id, []):
                if user_id == current:
                    continue
                values = {
                    'user': user_id,
                    'label': label,
                    'description': description,
                    'icon': 'tryton-notification',
                    }
                if model and ids:
                    values['model'] = model
                    values['records'] = json.dumps(sorted(ids))
                vlist.append(values)
        if not vlist:
            return []
        # users notify each other without the right to read notifications
        with without_check_access():
            return ResNotification.create(vlist)

    @classmethod
    def notify_new_assignments(cls, assignments):
        items = []
        for assignment in assignments:
            if assignment.executor:
                items.append((assignment.executor.id,
                        gettext('ric_task.msg_notification_new_assignment'),
                        assignment.rec_name, 'ric.task.assignment',
                        [assignment.id]))
        return cls.notify(items)

    @classmethod
    def notify_rule_items(cls, rule, Item, rows):
        "Notify the assignees of the items a rule created: one per assignee"
        by_employee = defaultdict(list)
        for item_id, employee_id in rows:
            if employee_id:
                by_employee[employee_id].append(item_id)
        return cls.notify([(employee_id,
                    gettext('ric_task.msg_notification_rule_items',
                        count=len(ids), rule=rule.rec_name),
                    Item.__string__, Item.__name__, ids)
                for employee_id, ids in by_employee.items()])

    @classmethod
    def client_employees(cls, parties, date=None):
        """Return {party id: {employee ids}} currently responsible for
        the parties (every direction, and the key client responsible)"""
        pool = Pool()
        Responsible = pool.get('ric.party.responsible')
        Party = pool.get('party.party')
        Date = pool.get('ir.date')
        responsible = Responsible.__table__()
        party = Party.__table__()
        cursor = Transaction().connection.cursor()
        if date is None:
            date = Date.today()
        result = defaultdict(set)
        for sub_ids in id_slices(parties):
            cursor.execute(*responsible.select(
                    responsible.party, responsible.employee,
                    where=in_ids(responsible.party, sub_ids)
                    & ((responsible.date_from == None)  # noqa: E711
                        | (responsible.date_from <= date))
                    & ((responsible.date_to == None)  # noqa: E711
                        | (responsible.date_to >= date))))
            for party_id, employee_id in cursor:
                result[party_id].add(employee_id)
            cursor.execute(*party.select(
                    party.id, party.key_client_responsible,
                    where=in_ids(party.id, sub_ids)
                    & (party.key_client_responsible != None)))  # noqa: E711
            for party_id, employee_id in cursor:
                result[party_id].add(employee_id)
        return result

    @classmethod
    def notify_clients(cls, parties, label, description=None, model=None,
            records=None):
        """Notify the employees responsible for parties of an event

        The API for the modules (e.g. a disconnection threat): records is
        {party id: [record id, …]} of model, or None for the parties."""
        employees = cls.client_employees(parties)
        items = []
        for party in parties:
            ids = (records or {}).get(party.id) if model else [party.id]
            for employee_id in sorted(employees.get(party.id, [])):
                items.append((employee_id, label,
                        description or party.rec_name,
                        model or 'party.party', ids))
        return cls.notify(items)

    @classmethod
    def send_reminders(cls, now=None):
        """Cron: remind the executors of the works whose reminder time came

        A notification for each work and, when asked, an e-mail to the
        users of the executor; the works are marked as reminded."""
        pool = Pool()
        Work = pool.get('ric.task.work')
        User = pool.get('res.user')
        if now is None:
            now = dt.datetime.now()
        works = Work.search([
                ('reminder_sent', '=', False),
                ('remind_at', '<=', now),
                ('planned_datetime', '>=', now - dt.timedelta(days=1)),
                ('state.closed', '=', False),
                ], order=[('remind_at', 'ASC')])
        if not works:
            return []
        items = []
        emails = defaultdict(list)
        for work in works:
            label = gettext('ric_task.msg_notification_reminder',
                time=work.planned_datetime.strftime('%H:%M'),
                client=work.party.rec_name if work.party else '')
            description = work.goal or work.assignment.rec_name
            items.append((work.executor.id, label, description,
                    'ric.task.work', [work.id]))
            if work.remind_email:
                emails[work.executor.id].append((work, label, description))
        cls.notify(items)
        if emails:
            users = cls.employee_users(list(emails))
            from_ = config.get('email', 'from')
            for employee_id, lines in emails.items():
                for user in User.browse(users.get(employee_id, [])):
                    if not user.email:
                        continue
                    for work, label, description in lines:
                        msg = EmailMessage()
                        msg['Subject'] = label
                        if from_:
                            msg['From'] = from_
                        msg['To'] = user.email
                        msg.set_content('\n'.join(filter(None, [
                                        label, work.assignment.rec_name,
                                        description,
                                        work.contact.rec_name
                                        if work.contact else None])))
                        send_message_transactional(
                            msg, from_, [user.email])
        Work.write(works, {'reminder_sent': True})
        return works

    @classmethod
    def notify_overdue_works(cls, now=None):
        """Cron: notify the executors of their works that became overdue,
        one notification per executor"""
        pool = Pool()
        Work = pool.get('ric.task.work')
        if now is None:
            now = dt.datetime.now()
        works = Work.search([
                ('overdue_notified', '=', False),
                ('planned_end', '<', now),
                ('state.closed', '=', False),
                ])
        if not works:
            return []
        by_executor = defaultdict(list)
        for work in works:
            by_executor[work.executor.id].append(work.id)
        cls.notify([(employee_id,
                    gettext('ric_task.msg_notification_overdue_works',
                        count=len(ids)),
                    Work.__string__, 'ric.task.work', ids)
                for employee_id, ids in by_executor.items()])
        Work.write(works, {'overdue_notified': True})
        return works


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Notification = pool.get('ric.task.notification')
        actions = iter(args)
        ids = set()
        for records, values in zip(actions, actions):
            if 'client_status' in values:
                ids.update(r.id for r in records)
        before = ({r['id']: r['client_status']
                for r in cls.read(list(ids), ['client_status'])}
            if ids else {})
        super().write(*args)
        if ids:
            changed = [p for p in cls.browse(sorted(ids))
                if p.is_client and p.client_status != before.get(p.id)]
            if changed:
                status = dict(cls.fields_get(['client_status'])
                    ['client_status']['selection'])
                employees = Notification.client_employees(changed)
                Notification.notify([(employee_id,
                            gettext(
                                'ric_task.msg_notification_client_status',
                                client=party.rec_name,
                                status=status.get(party.client_status, '')),
                            None, 'party.party', [party.id])
                        for party in changed
                        for employee_id in sorted(employees.get(party.id, []))
                        ])


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('ric.task.rule|run_cron', "Run Auto-Generation Rules"),
                ('ric.task.notification|send_reminders',
                    "Send Reminders of Works"),
                ('ric.task.notification|notify_overdue_works',
                    "Notify Overdue Works"),
                ])
