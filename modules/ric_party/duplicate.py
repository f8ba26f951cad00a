# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Search of duplicate clients

The search is set-based: the names, INN, phones, e-mails and addresses of
every active client are fetched with a few SQL queries, the exact keys are
grouped in dictionaries, and the fuzzy comparison of names is done block by
block (a block is the clients of a city sharing the first or last four
letters of a significant word of their name) with
``rapidfuzz.process.extract`` (each name against the following ones of its
block, in C).
"""
import re
from collections import defaultdict
from functools import lru_cache
from itertools import combinations

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from sql import Literal
from sql.aggregate import Min
from sql.functions import CurrentTimestamp

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import StateAction, StateTransition, Wizard

from .contact import normalize_phone

#: words of legal forms and generic words ignored when comparing names
STOP_WORDS = {
    'ооо', 'оао', 'зао', 'пао', 'ао', 'нао', 'ип', 'чп', 'нко', 'ано', 'тсж',
    'снт', 'гбуз', 'гбу', 'гку', 'гуп', 'муп', 'мбу', 'мку', 'мау', 'мбоу',
    'мбдоу', 'моу', 'фгбу', 'фгуп', 'огбу', 'огкуз', 'огбуз', 'кфх', 'пк',
    'общество', 'с', 'ограниченной', 'ответственностью', 'акционерное',
    'закрытое', 'открытое', 'публичное', 'непубличное', 'индивидуальный',
    'предприниматель', 'государственное', 'муниципальное', 'бюджетное',
    'учреждение', 'казенное', 'казённое', 'унитарное', 'предприятие',
    'автономная', 'некоммерческая', 'организация', 'фирма', 'компания',
    'llc', 'ltd', 'inc',
    }
_NOT_WORD = re.compile(r'[^\w]+')
_BLOCK_MAX = 5000


_LONG_STOP_WORDS = [w for w in STOP_WORDS if len(w) >= 6]


@lru_cache(maxsize=100000)
def is_stop_word(word):
    "A stop word, or a long one mistyped (at most 2 edits)"
    if word in STOP_WORDS:
        return True
    if len(word) < 6:
        return False
    return any(Levenshtein.distance(word, w, score_cutoff=2) <= 2
        for w in _LONG_STOP_WORDS)


def normalize_name(name):
    "Return the significant words of a client name, lower-cased"
    name = (name or '').lower().replace('ё', 'е')
    return ' '.join(w for w in _NOT_WORD.sub(' ', name).split()
        if not is_stop_word(w))


def normalize_text(value):
    value = (value or '').lower().replace('ё', 'е')
    return ' '.join(_NOT_WORD.sub(' ', value).split())


#: abbreviations of the words of Russian addresses
ADDRESS_WORDS = {
    'улица': 'ул', 'проспект': 'пр', 'пр-т': 'пр', 'пркт': 'пр',
    'переулок': 'пер', 'бульвар': 'б-р', 'площадь': 'пл', 'шоссе': 'ш',
    'микрорайон': 'мкр', 'город': 'г', 'поселок': 'п', 'село': 'с',
    'дом': 'д', 'корпус': 'к', 'корп': 'к', 'строение': 'стр',
    'офис': 'оф', 'квартира': 'кв',
    }


def normalize_address(value):
    "Return the address lower-cased with the usual words abbreviated"
    words = normalize_text(value).split()
    return ' '.join(ADDRESS_WORDS.get(w, w) for w in words
        if ADDRESS_WORDS.get(w, w) not in {'д', 'г'})


def normalize_email(value):
    return (value or '').strip().lower()


def _numbers(address):
    return sorted(w for w in address.split() if any(c.isdigit() for c in w))


def block_keys(city, name):
    "Return the blocking keys of a normalized name in a normalized city"
    keys = set()
    for word in name.split():
        if len(word) >= 3:
            keys.add((city, word[:4]))
            keys.add((city, '~' + word[-4:]))
    return keys


def pair_score(name_score, address_score):
    "Combine the similarities (0-100) of names and addresses"
    return round(0.7 * name_score + 0.3 * address_score, 1)


class Corpus:
    """The comparable data of the clients, loaded in bulk

    ``records`` is a list of dicts with keys id, name, city, address, inn,
    phones, emails (already normalized).
    """

    def __init__(self, records, name_threshold=90, address_threshold=80,
            max_group=10):
        self.records = records
        self.name_threshold = name_threshold
        self.address_threshold = address_threshold
        self.max_group = max_group
        #: names less similar are never compared further
        self.name_cutoff = name_threshold - 10
        self.by_id = {r['id']: r for r in records}
        self.inn = defaultdict(list)
        self.phone = defaultdict(list)
        self.email = defaultdict(list)
        self.blocks = defaultdict(list)
        for record in records:
            self._index(record)

    def _index(self, record):
        if record['inn']:
            self.inn[record['inn']].append(record['id'])
        for phone in record['phones']:
            self.phone[phone].append(record['id'])
        for email in record['emails']:
            self.email[email].append(record['id'])
        for key in block_keys(record['city'], record['name']):
            self.blocks[key].append(record['id'])

    @classmethod
    def make_record(cls, id_, name, city='', address='', inn=None,
            phones=(), emails=()):
        return {
            'id': id_,
            'name': normalize_name(name),
            'city': normalize_text(city),
            'address': normalize_address(address),
            'inn': re.sub(r'\D', '', inn or '') or None,
            'phones': {p for p in map(normalize_phone, phones) if len(p) >= 7},
            'emails': {e for e in map(normalize_email, emails) if '@' in e},
            }

    def _fuzzy_ok(self, a, b, name_score):
        """Return the address score when the pair is a fuzzy duplicate

        Both addresses are needed and their house numbers must be equal;
        the names must be similar enough, or differ by one letter at the
        same address.
        """
        if not a['address'] or not b['address']:
            return None
        if _numbers(a['address']) != _numbers(b['address']):
            return None
        address_score = fuzz.token_sort_ratio(a['address'], b['address'])
        if address_score < self.address_threshold:
            return None
        if name_score >= self.name_threshold:
            return address_score
        if (address_score >= 95
                and Levenshtein.distance(a['name'], b['name']) <= 1):
            return address_score
        return None

    def pairs(self):
        """Return {(id a, id b): (score, reasons)} of candidate duplicates

        with id a < id b; reasons is a list of 'inn', 'phone', 'email',
        'name_address'.
        """
        result = {}

        def add(a, b, score, reason):
            key = (a, b) if a < b else (b, a)
            old_score, reasons = result.get(key, (0, []))
            if reason not in reasons:
                reasons.append(reason)
            result[key] = (max(old_score, score), reasons)

        for index, reason, score in [
                (self.inn, 'inn', 100),
                (self.phone, 'phone', 90),
                (self.email, 'email', 90)]:
            for ids in index.values():
                if 1 < len(set(ids)) <= self.max_group:
                    for a, b in combinations(sorted(set(ids)), 2):
                        add(a, b, score, reason)

        for ids in self.blocks.values():
            if len(ids) < 2 or len(ids) > _BLOCK_MAX:
                continue
            names = [self.by_id[i]['name'] for i in ids]
            for i, name in enumerate(names[:-1]):
                matches = process.extract(
                    name, names[i + 1:], scorer=fuzz.ratio,
                    score_cutoff=self.name_cutoff, limit=None)
                a = self.by_id[ids[i]]
                for _, name_score, j in matches:
                    b = self.by_id[ids[i + 1 + j]]
                    if a['id'] == b['id']:
                        continue
                    address_score = self._fuzzy_ok(a, b, name_score)
                    if address_score is not None:
                        add(a['id'], b['id'],
                            pair_score(name_score, address_score),
                            'name_address')
        return result

    def match(self, record):
        """Return (id, reason, score) of the best existing duplicate of the
        record (a dict made by make_record) or None"""
        if record['inn'] and self.inn.get(record['inn']):
            return self.inn[record['inn']][0], 'inn', 100
        for phone in sorted(record['phones']):
            if self.phone.get(phone):
                return self.phone[phone][0], 'phone', 90
        for email in sorted(record['emails']):
            if self.email.get(email):
                return self.email[email][0], 'email', 90
        best = None
        candidates = set()
        for key in block_keys(record['city'], record['name']):
            candidates.update(self.blocks.get(key, []))
        for candidate_id in sorted(candidates):
            other = self.by_id[candidate_id]
            name_score = fuzz.ratio(record['name'], other['name'])
            if name_score < self.name_cutoff:
                continue
            address_score = self._fuzzy_ok(record, other, name_score)
            if address_score is None:
                continue
            score = pair_score(name_score, address_score)
            if not best or score > best[2]:
                best = (candidate_id, 'name_address', score)
        return best

    def add(self, record):
        "Add a new record to the corpus (imports check rows between them)"
        self.records.append(record)
        self.by_id[record['id']] = record
        self._index(record)


class Duplicate(Workflow, ModelSQL, ModelView):
    "Duplicate Clients"
    __name__ = 'ric.party.duplicate'
    party_a = fields.Many2One(
        'party.party', "Client", required=True, readonly=True,
        ondelete='CASCADE',
        help="The client kept by the merge.")
    party_b = fields.Many2One(
        'party.party', "Duplicate", required=True, readonly=True,
        ondelete='CASCADE',
        help="The client replaced by the merge.")
    score = fields.Float("Score", digits=(3, 1), readonly=True)
    reasons = fields.Char("Reasons", readonly=True)
    reasons_string = fields.Function(
        fields.Char("Reasons"), 'get_reasons_string')
    state = fields.Selection([
            ('candidate', "Candidate"),
            ('merged', "Merged"),
            ('not_duplicate', "Not a Duplicate"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('pair_unique', Unique(t, t.party_a, t.party_b),
                'ric_party.msg_duplicate_pair_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.party_b, Index.Range())),
                })
        cls._order = [('score', 'DESC'), ('id', 'ASC')]
        cls._transitions |= {
            ('candidate', 'merged'),
            ('candidate', 'not_duplicate'),
            ('not_duplicate', 'candidate'),
            }
        cls._buttons.update({
                'merge': {
                    'invisible': Eval('state') != 'candidate',
                    'depends': ['state'],
                    },
                'swap': {
                    'invisible': Eval('state') != 'candidate',
                    'depends': ['state'],
                    },
                'not_duplicate': {
                    'invisible': Eval('state') != 'candidate',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'not_duplicate',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'candidate'

    _reason_labels = {
        'inn': 'msg_duplicate_reason_inn',
        'phone': 'msg_duplicate_reason_phone',
        'email': 'msg_duplicate_reason_email',
        'name_address': 'msg_duplicate_reason_name_address',
        }

    def get_reasons_string(self, name):
        return ', '.join(
            gettext('ric_party.' + self._reason_labels[r])
            if r in self._reason_labels else r
            for r in (self.reasons or '').split(',') if r)

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'delete':
            for record in records:
                if record.state == 'not_duplicate':
                    raise AccessError(gettext(
                            'ric_party.msg_duplicate_delete_not_duplicate',
                            duplicate=record.rec_name))

    def get_rec_name(self, name):
        return '%s = %s' % (self.party_a.rec_name, self.party_b.rec_name)

    @classmethod
    @ModelView.button
    def swap(cls, duplicates):
        "Keep the other client of the pair"
        to_write = []
        for duplicate in duplicates:
            to_write.extend(([duplicate], {
                        'party_a': duplicate.party_b.id,
                        'party_b': duplicate.party_a.id,
                        }))
        if to_write:
            cls.write(*to_write)

    @classmethod
    @ModelView.button
    @Workflow.transition('merged')
    def merge(cls, duplicates):
        "Replace the duplicate by the client with the party replace wizard"
        pool = Pool()
        Replace = pool.get('party.replace', type='wizard')
        for duplicate in duplicates:
            session_id, _, _ = Replace.create()
            try:
                replace = Replace(session_id)
                replace.ask.source = duplicate.party_b
                replace.ask.destination = duplicate.party_a
                with Transaction().set_context(_skip_warnings=True):
                    replace.transition_replace()
            finally:
                Replace.delete(session_id)
        # other pairs with the replaced clients are obsolete
        replaced = {d.party_b.id for d in duplicates}
        others = cls.search([
                ('state', '=', 'candidate'),
                ('id', 'not in', [d.id for d in duplicates]),
                ['OR',
                    ('party_a', 'in', list(replaced)),
                    ('party_b', 'in', list(replaced)),
                    ],
                ])
        if others:
            cls.delete(others)

    @classmethod
    @ModelView.button
    @Workflow.transition('not_duplicate')
    def not_duplicate(cls, duplicates):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('candidate')
    def reopen(cls, duplicates):
        pass

    @classmethod
    def load_corpus(cls, domain=None):
        "Return the Corpus of the active clients (matching domain)"
        pool = Pool()
        Party = pool.get('party.party')
        Identifier = pool.get('party.identifier')
        Mechanism = pool.get('party.contact_mechanism')
        Address = pool.get('party.address')
        Configuration = pool.get('ric.party.configuration')
        config = Configuration(1)
        party = Party.__table__()
        identifier = Identifier.__table__()
        mechanism = Mechanism.__table__()
        address = Address.__table__()
        cursor = Transaction().connection.cursor()

        where = (party.is_client == Literal(True)) & (
            party.active == Literal(True))
        if domain:
            where &= party.id.in_(Party.search(domain, query=True))
        data = {}
        cursor.execute(*party.select(party.id, party.name, where=where))
        for id_, name in cursor:
            data[id_] = {'name': name, 'inn': None, 'phones': [],
                'emails': [], 'city': '', 'address': ''}
        cursor.execute(*identifier.join(party,
                condition=identifier.party == party.id
                ).select(identifier.party, identifier.code_compact,
                where=where & (identifier.type == 'ru_vat')
                & (identifier.active == Literal(True))))
        for id_, code in cursor:
            data[id_]['inn'] = code
        cursor.execute(*mechanism.join(party,
                condition=mechanism.party == party.id
                ).select(mechanism.party, mechanism.type, mechanism.value,
                where=where & mechanism.type.in_(['phone', 'mobile', 'email'])
                & (mechanism.active == Literal(True))))
        for id_, type_, value in cursor:
            data[id_]['emails' if type_ == 'email' else 'phones'].append(
                value)
        first = address.select(
            Min(address.id).as_('id'),
            where=address.active == Literal(True),
            group_by=address.party)
        cursor.execute(*address.join(party,
                condition=address.party == party.id
                ).select(address.party, address.city,
                address.street_unstructured, address.street_name,
                address.building_number,
                where=where & address.id.in_(first)))
        for id_, city, street, street_name, number in cursor:
            data[id_]['city'] = city or ''
            data[id_]['address'] = ' '.join(
                filter(None, [street, street_name, number]))
        records = [Corpus.make_record(
                id_, d['name'], d['city'], d['address'], d['inn'],
                d['phones'], d['emails']) for id_, d in data.items()]
        return Corpus(records,
            name_threshold=config.duplicate_name_threshold,
            address_threshold=config.duplicate_address_threshold,
            max_group=config.duplicate_max_group)

    @classmethod
    def find_duplicates(cls, domain=None):
        """Search the candidate duplicates among the active clients and
        create the pairs not yet known; return the number created"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        corpus = cls.load_corpus(domain)
        pairs = corpus.pairs()
        cursor.execute(*table.select(table.party_a, table.party_b))
        known = set()
        for a, b in cursor:
            known.add((a, b))
            known.add((b, a))
        now = CurrentTimestamp()
        user = Transaction().user
        rows = [[a, b, score, ','.join(reasons), 'candidate', user, now]
            for (a, b), (score, reasons) in sorted(pairs.items())
            if (a, b) not in known]
        # bulk insert: the pairs are plain data checked by the search
        for i in range(0, len(rows), 1000):
            cursor.execute(*table.insert(
                    [table.party_a, table.party_b, table.score,
                        table.reasons, table.state, table.create_uid,
                        table.create_date],
                    rows[i:i + 1000]))
        to_create = rows
        return len(to_create)

    @classmethod
    def find_duplicates_cron(cls):
        cls.find_duplicates()


class FindDuplicates(Wizard):
    "Find Duplicate Clients"
    __name__ = 'ric.party.duplicate.find'
    start_state = 'find'
    find = StateTransition()
    open_ = StateAction('ric_party.act_duplicate_form')

    def transition_find(self):
        pool = Pool()
        Duplicate = pool.get('ric.party.duplicate')
        Duplicate.find_duplicates()
        return 'open_'

    def do_open_(self, action):
        return action, {}


class PartyReplace(metaclass=PoolMeta):
    __name__ = 'party.replace'

    def transition_replace(self):
        pool = Pool()
        Duplicate = pool.get('ric.party.duplicate')
        state = super().transition_replace()
        source, destination = self.ask.source, self.ask.destination
        pairs = Duplicate.search([
                ('state', '=', 'candidate'),
                ['OR',
                    [('party_a', '=', source.id),
                        ('party_b', '=', destination.id)],
                    [('party_a', '=', destination.id),
                        ('party_b', '=', source.id)],
                    ],
                ])
        if pairs:
            Duplicate.write(pairs, {'state': 'merged'})
        return state
