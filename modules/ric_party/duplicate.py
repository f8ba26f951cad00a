# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Search of duplicate clients

The search is set-based: the names, INN, KPP, phones (their compact E.164
form), e-mails and addresses of every active client are fetched with a few
SQL queries and compared in memory:

* the clients sharing an INN are duplicates when their KPP are equal (or
  missing on one side); with other KPP they are the head office and a
  branch of the same legal person, proposed to be linked as a subdivision;
* the clients sharing a phone or an e-mail are duplicates unless both have
  valid INN which differ (then they are two legal persons);
* the names are compared city by city: the blocks are the clients of a
  normalized city sharing a name written with at most one letter deleted
  (so one typo or two swapped letters never separate them) or the same
  house number and street; the pairs of a block are compared
  with the optimal string alignment distance (a transposition is one
  edit) and their addresses (house numbers and street).
"""
import logging
import time
from collections import defaultdict
from itertools import combinations

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA
from sql import Literal
from sql.aggregate import Min
from sql.functions import CurrentTimestamp

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .exceptions import DuplicateMergeError

from .normalize import (
    address_numbers, address_street, compact_phone, normalize_address,
    normalize_city, normalize_email, normalize_kpp, normalize_name,
    normalize_text)

__all__ = ['Corpus', 'normalize_name', 'normalize_text', 'normalize_address',
    'normalize_email', 'Duplicate', 'FindDuplicates', 'PartyReplace']

logger = logging.getLogger(__name__)

#: a block with more clients is split by house number
_BLOCK_SPLIT = 50
#: a block (after split) with more clients is skipped (and logged)
_BLOCK_MAX = 5000
#: the names at least this long may differ by two edits
_LONG_NAME = 12


def _is_valid_inn(inn):
    "inn has 10 or 12 digits: are its control digits right?"
    from trytond.modules.ric_base.requisites import complete_inn
    return complete_inn(inn[:9 if len(inn) == 10 else 10]) == inn


def _variants(text):
    "Return text and text with one letter deleted"
    if len(text) < 4:
        return {text}
    result = {text[:i] + text[i + 1:] for i in range(len(text))}
    result.add(text)
    return result


def name_keys(record):
    "Return the blocking keys of a record (within its city)"
    compact = record['name'].replace(' ', '')
    sorted_ = record['sname'].replace(' ', '')
    keys = {'f' + v for v in _variants(compact)}
    if sorted_ != compact:
        keys.update('f' + v for v in _variants(sorted_))
    if record['address']:
        # two edits in a name at the same address
        keys.add('s%s|%s' % (' '.join(record['numbers']),
                ' '.join(sorted(record['street'].split()))))
    return keys


def name_edits(a, b, cutoff=3):
    "Return the edits between the names (a transposition is one edit)"
    return min(
        OSA.distance(a['name'], b['name'], score_cutoff=cutoff),
        OSA.distance(a['sname'], b['sname'], score_cutoff=cutoff))


def pair_score(name_score, address_score):
    "Combine the similarities (0-100) of names and addresses"
    return round(0.7 * name_score + 0.3 * address_score, 1)


def head_office(records):
    """Return the record of the head office among records sharing an INN:
    the first with a KPP registered at the location of the organisation
    (reason 01) or of the largest taxpayers (50), else the first with a KPP
    """
    with_kpp = sorted((r for r in records if r['kpp']), key=lambda r: r['id'])
    for record in with_kpp:
        if record['kpp'][4:6] in {'01', '50'}:
            return record
    return with_kpp[0] if with_kpp else None


class Corpus:
    """The comparable data of the clients, loaded in bulk

    ``records`` is a list of dicts made by ``make_record``.
    ``candidates()`` returns the pairs found, ``pairs()`` the duplicates
    only and ``branches()`` the head office - branch pairs; ``match()``
    returns the best duplicate of a new record (the import).
    """

    def __init__(self, records, name_threshold=90, address_threshold=80,
            max_group=10):
        self.records = records
        self.name_threshold = name_threshold
        self.address_threshold = address_threshold
        self.max_group = max_group
        self.by_id = {}
        self.inn = defaultdict(list)
        self.phone = defaultdict(list)
        self.email = defaultdict(list)
        self.by_city = defaultdict(list)
        self._city_keys = {}
        #: what the search left out, for the log and the benchmark
        self.skipped = defaultdict(int)
        for record in records:
            self._index(record)

    def _index(self, record):
        self.by_id[record['id']] = record
        if record['inn']:
            self.inn[record['inn']].append(record['id'])
        for phone in record['phones']:
            self.phone[phone].append(record['id'])
        for email in record['emails']:
            self.email[email].append(record['id'])
        if record['name']:
            self.by_city[record['city']].append(record['id'])
            index = self._city_keys.get(record['city'])
            if index is not None:
                for key in name_keys(record):
                    index[key].append(record['id'])

    @classmethod
    def make_record(cls, id_, name, city='', address='', inn=None,
            phones=(), emails=(), kpp=None):
        "Return the normalized data of a client"
        name = normalize_name(name)
        city = normalize_city(city)
        address = normalize_address(address)
        numbers = address_numbers(address)
        city_words = set(city.split())
        street = ' '.join(w for w in address_street(address).split()
            if w not in city_words)
        inn = ''.join(c for c in (inn or '') if c.isdigit())
        inn = inn if len(inn) in {10, 12} else None
        return {
            'id': id_,
            'name': name,
            'sname': ' '.join(sorted(name.split())),
            'city': city,
            'address': address if numbers and street else '',
            'numbers': numbers,
            'street': street,
            'inn': inn,
            'inn_valid': bool(inn) and _is_valid_inn(inn),
            'kpp': normalize_kpp(kpp) if inn else None,
            'phones': {p for p in (compact_phone(v, v) for v in phones) if p},
            'emails': {e for e in map(normalize_email, emails) if e},
            }

    # Comparison of two records

    @staticmethod
    def other_person(a, b):
        "Both have a valid INN and they differ: two legal persons"
        return (a['inn_valid'] and b['inn_valid'] and a['inn'] != b['inn'])

    @staticmethod
    def is_branch(a, b):
        "Same INN and other KPP: a head office and a branch"
        return (a['inn'] and a['inn'] == b['inn'] and a['kpp'] and b['kpp']
            and a['kpp'] != b['kpp'])

    def address_score(self, a, b):
        """Return the similarity (0-100) of the addresses, None when one
        is unknown and 0 when they differ"""
        if not a['address'] or not b['address']:
            return None
        if a['numbers'] != b['numbers']:
            return 0
        return fuzz.token_sort_ratio(a['street'], b['street'])

    def compare_names(self, a, b):
        """Return (score, weak) when the names and addresses of a and b
        make them duplicates, None otherwise; weak is True when an address
        is unknown (the pair holds only if it is the only one)"""
        if a['city'] and b['city'] and a['city'] != b['city']:
            return None
        if self.other_person(a, b) or self.is_branch(a, b):
            return None
        length = max(len(a['name']), len(b['name']))
        if not length:
            return None
        edits = name_edits(a, b)
        if edits > 2:
            return None
        name_score = 100 * (1 - edits / length)
        address_score = self.address_score(a, b)
        if address_score is None:
            # only the name and the city: nearly the same name is needed
            if (edits <= (1 if length >= 5 else 0)
                    and a['city'] and b['city']):
                return pair_score(name_score, 50), True
            return None
        if address_score < self.address_threshold:
            return None
        if (name_score >= self.name_threshold
                or (address_score >= 95 and length >= 4 and (
                        edits <= 1 or (edits <= 2 and length >= _LONG_NAME)))):
            return pair_score(name_score, address_score), False
        return None

    # Search of the pairs

    def _blocks(self, city, extra=None):
        """Return {key: ids} of the name blocks of 2 clients or more of a
        city, with the clients of extra {key: ids} sharing their key"""
        by_id = self.by_id
        first, more = {}, defaultdict(list)
        for id_ in self.by_city.get(city, []):
            for key in name_keys(by_id[id_]):
                other = first.setdefault(key, id_)
                if other != id_:
                    more[key].append(id_)
        for key, ids in more.items():
            ids.append(first[key])
        for key, others in (extra or {}).items():
            if key in first:
                more[key] = more.get(key, [first[key]]) + others
        return more

    def _city_index(self, city):
        "Return {key: ids} of all the names of a city (kept for match)"
        index = self._city_keys.get(city)
        if index is None:
            index = self._city_keys[city] = defaultdict(list)
            for id_ in self.by_city.get(city, []):
                for key in name_keys(self.by_id[id_]):
                    index[key].append(id_)
        return index

    def _block_pairs(self, ids, key, seen):
        "Yield the pairs of a block to compare, splitting the large ones"
        if len(ids) > _BLOCK_SPLIT:
            groups = defaultdict(list)
            for id_ in ids:
                numbers = self.by_id[id_]['numbers']
                if numbers:
                    groups[numbers].append(id_)
                else:
                    # the same name without address in a large block is
                    # ambiguous
                    self.skipped['ambiguous'] += 1
            blocks = [g for g in groups.values() if len(g) > 1]
        else:
            blocks = [ids]
        for block in blocks:
            if len(block) > _BLOCK_MAX:
                logger.warning(
                    "duplicate search: block %r of %s clients skipped",
                    key, len(block))
                self.skipped['block'] += len(block)
                continue
            for pair in combinations(sorted(block), 2):
                if pair not in seen:
                    seen.add(pair)
                    yield pair

    def _name_pairs(self):
        "Yield (a, b, score, weak) of the pairs of similar names"
        seen = set()
        nowhere = self.by_city.get('', [])
        nowhere_keys = defaultdict(list)
        for id_ in nowhere:
            for key in name_keys(self.by_id[id_]):
                nowhere_keys[key].append(id_)
        for city in list(self.by_city):
            index = self._blocks(city, nowhere_keys if city else None)
            for key, ids in index.items():
                for a, b in self._block_pairs(ids, (city, key), seen):
                    result = self.compare_names(self.by_id[a], self.by_id[b])
                    if result:
                        yield (a, b) + result

    def _add_group(self, ids, reason, score, add, value):
        "Add the pairs of a group of clients sharing value"
        if len(ids) < 2:
            return
        if len(ids) > self.max_group:
            logger.info("duplicate search: %s %s shared by %s clients "
                "skipped", reason, value, len(ids))
            self.skipped[reason] += len(ids)
            return
        for a, b in combinations(sorted(ids), 2):
            add(a, b, score, reason)

    def _family_targets(self, record, members, head):
        """Return the members of a family (head office and branches) a
        record without KPP is a duplicate of: those at its address, else
        the head office"""
        targets = [m for m in members if m['id'] != record['id']
            and (self.address_score(record, m) or 0)
            >= self.address_threshold
            and (not record['city'] or record['city'] == m['city'])]
        return targets or [head]

    def _family_allows(self, a, b, shared, families):
        """A record sharing a phone or an e-mail with several members of a
        family is the duplicate of one of them only"""
        for x, y in [(a, b), (b, a)]:
            if y['kpp'] and y['inn'] in shared and not (
                    x['inn'] == y['inn']):
                targets = self._family_targets(
                    x, shared[y['inn']], families[y['inn']])
                if y['id'] not in {t['id'] for t in targets}:
                    return False
        return True

    def candidates(self):
        """Return {(a, b): (kind, score, reasons)} of the candidate pairs

        kind is 'duplicate' (a < b) or 'branch' (a the head office, b the
        branch); reasons is a list of 'inn', 'phone', 'email',
        'name_address' or 'inn_kpp' (same INN, other KPP).
        """
        result = {}

        def add(a, b, score, reason, kind='duplicate'):
            key = (a, b) if kind == 'branch' or a < b else (b, a)
            old_kind, old_score, reasons = result.get(
                key, (kind, 0, []))
            if reason not in reasons:
                reasons.append(reason)
            result[key] = (kind, max(old_score, score), reasons)

        families = self._inn_candidates(add)
        self._contact_candidates(add, families)
        self._name_candidates(add)
        return result

    def _inn_candidates(self, add):
        """Add the pairs sharing an INN; return {INN: head office record} of
        the legal persons with branches"""
        by_id = self.by_id
        # the legal persons with branches: INN -> head office
        families = {}
        for inn, ids in self.inn.items():
            ids = sorted(set(ids))
            if len(ids) < 2:
                continue
            records = [by_id[i] for i in ids]
            members = [r for r in records if r['kpp']]
            if len({r['kpp'] for r in members}) > 1:
                head = head_office(members)
                families[inn] = head
                for record in members:
                    if record['kpp'] != head['kpp']:
                        add(head['id'], record['id'], 100, 'inn_kpp',
                            kind='branch')
            # duplicates: same KPP, or no KPP on one side
            groups = defaultdict(list)
            for record in records:
                groups[record['kpp']].append(record['id'])
            without = groups.pop(None, [])
            for group in groups.values():
                self._add_group(group, 'inn', 100, add, inn)
            if inn in families:
                # the records without KPP are the duplicates of the
                # member at their address or of the head office
                by_target = defaultdict(list)
                for id_ in without:
                    for target in self._family_targets(
                            by_id[id_], members, families[inn]):
                        add(id_, target['id'], 100, 'inn')
                        by_target[target['id']].append(id_)
                for group in by_target.values():
                    self._add_group(group, 'inn', 100, add, inn)
            else:
                self._add_group(
                    (groups.popitem()[1] if groups else []) + without,
                    'inn', 100, add, inn)
        return families

    def _contact_candidates(self, add, families):
        """Add the pairs sharing a phone or an e-mail, families being
        {INN: head office record}"""
        by_id = self.by_id
        for index, reason, score in [
                (self.phone, 'phone', 90),
                (self.email, 'email', 90)]:
            for value, ids in index.items():
                ids = sorted(set(ids))
                if len(ids) < 2:
                    continue
                if len(ids) > self.max_group:
                    logger.info("duplicate search: %s %s shared by %s "
                        "clients skipped", reason, value, len(ids))
                    self.skipped[reason] += len(ids)
                    continue
                records = [by_id[i] for i in ids]
                # the members of a family sharing the value
                shared = defaultdict(list)
                for record in records:
                    if record['inn'] in families and record['kpp']:
                        shared[record['inn']].append(record)
                shared = {k: v for k, v in shared.items() if len(v) > 1}
                for ra, rb in combinations(records, 2):
                    if ra['inn'] and ra['inn'] == rb['inn']:
                        continue  # decided by the INN
                    if self.other_person(ra, rb):
                        continue
                    if not self._family_allows(ra, rb, shared, families):
                        continue
                    add(ra['id'], rb['id'], score, reason)

    def _name_candidates(self, add):
        """Add the pairs of similar names, those without address only when
        a client matches one client only"""
        by_id = self.by_id
        weak = defaultdict(list)
        for a, b, score, is_weak in self._name_pairs():
            if is_weak:
                weak[a].append((b, score))
                weak[b].append((a, score))
            else:
                add(a, b, score, 'name_address')
        # a client without address matching one client only
        for id_, partners in weak.items():
            if by_id[id_]['address']:
                continue
            places = {(by_id[p]['numbers'], by_id[p]['street'])
                for p, _ in partners if by_id[p]['address']}
            if len(places) > 1 or len(partners) > 1 and not places:
                self.skipped['ambiguous'] += 1
                continue
            for partner, score in partners:
                if by_id[partner]['address'] or partner > id_:
                    add(id_, partner, score, 'name')

    def pairs(self):
        """Return {(id a, id b): (score, reasons)} of the candidate
        duplicates with id a < id b"""
        return {k: (s, r) for k, (kind, s, r) in self.candidates().items()
            if kind == 'duplicate'}

    def branches(self):
        """Return {(head office id, branch id): (score, reasons)}"""
        return {k: (s, r) for k, (kind, s, r) in self.candidates().items()
            if kind == 'branch'}

    def match(self, record):
        """Return (id, reason, score) of the best existing duplicate of the
        record (a dict made by make_record) or None; a branch of a known
        client (same INN, other KPP) is not a duplicate"""
        by_id = self.by_id
        if record['inn']:
            for other_id in self.inn.get(record['inn'], []):
                if not self.is_branch(record, by_id[other_id]):
                    return other_id, 'inn', 100
        for index, values, reason in [
                (self.phone, record['phones'], 'phone'),
                (self.email, record['emails'], 'email')]:
            for value in sorted(values):
                for other_id in index.get(value, []):
                    other = by_id[other_id]
                    if not (self.other_person(record, other)
                            or self.is_branch(record, other)):
                        return other_id, reason, 90
        if not record['name']:
            return None
        best = None
        cities = [record['city']] if record['city'] else list(self.by_city)
        if record['city'] and '' in self.by_city:
            cities.append('')
        keys = name_keys(record)
        candidates = set()
        for city in cities:
            index = self._city_index(city)
            for key in keys:
                candidates.update(index.get(key, []))
        weak = []
        for candidate_id in sorted(candidates):
            if candidate_id == record['id']:
                continue
            result = self.compare_names(record, by_id[candidate_id])
            if not result:
                continue
            score, is_weak = result
            if is_weak:
                weak.append((candidate_id, 'name', score))
            elif not best or score > best[2]:
                best = (candidate_id, 'name_address', score)
        if not best and len(weak) == 1:
            best = weak[0]
        return best

    def add(self, record):
        "Add a new record to the corpus (imports check rows between them)"
        self.records.append(record)
        self._index(record)


class Duplicate(Workflow, ModelSQL, ModelView):
    "Duplicate Clients"
    __name__ = 'ric.party.duplicate'
    __string__ = "Duplicate Clients"
    party_a = fields.Many2One(
        'party.party', "Client", required=True, readonly=True,
        ondelete='CASCADE',
        help="The client kept by the merge.")
    party_b = fields.Many2One(
        'party.party', "Duplicate", required=True, readonly=True,
        ondelete='CASCADE',
        help="The client replaced by the merge.")
    kind = fields.Selection([
            ('duplicate', "Duplicate"),
            ('branch', "Branch"),
            ], "Kind", readonly=True, required=True, sort=False,
        help="A branch has the INN of the client with another KPP: it is "
        "not merged but linked as a subdivision.")
    score = fields.Float("Score", digits=(3, 1), readonly=True)
    reasons = fields.Char("Reasons", readonly=True)
    reasons_string = fields.Function(
        fields.Char("Reasons"), 'get_reasons_string')
    state = fields.Selection([
            ('candidate', "Candidate"),
            ('merged', "Merged"),
            ('linked', "Linked as Subdivision"),
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
            ('candidate', 'linked'),
            ('candidate', 'not_duplicate'),
            ('not_duplicate', 'candidate'),
            }
        cls._buttons.update({
                'merge': {
                    'invisible': ((Eval('state') != 'candidate')
                        | (Eval('kind') != 'duplicate')),
                    'depends': ['state', 'kind'],
                    },
                'link_subdivision': {
                    'invisible': ((Eval('state') != 'candidate')
                        | (Eval('kind') != 'branch')),
                    'depends': ['state', 'kind'],
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
    def __register__(cls, module):
        table = cls.__table__()
        table_h = cls.__table_handler__(module)
        kind_exists = table_h.column_exist('kind')
        super().__register__(module)
        cursor = Transaction().connection.cursor()
        # Migration: the pairs found before the branches were told apart
        if not kind_exists:
            cursor.execute(*table.update(
                    [table.kind], ['duplicate']))

    @classmethod
    def default_kind(cls):
        return 'duplicate'

    @classmethod
    def default_state(cls):
        return 'candidate'

    _reason_labels = {
        'inn': 'msg_duplicate_reason_inn',
        'inn_kpp': 'msg_duplicate_reason_inn_kpp',
        'phone': 'msg_duplicate_reason_phone',
        'email': 'msg_duplicate_reason_email',
        'name_address': 'msg_duplicate_reason_name_address',
        'name': 'msg_duplicate_reason_name',
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
            if duplicate.kind != 'duplicate':
                raise DuplicateMergeError(gettext(
                        'ric_party.msg_duplicate_merge_branch',
                        duplicate=duplicate.rec_name))
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
    @Workflow.transition('linked')
    def link_subdivision(cls, duplicates):
        "Link the branch to the client as its subdivision"
        pool = Pool()
        Relation = pool.get('party.relation')
        ModelData = pool.get('ir.model.data')
        type_ = ModelData.get_id('ric_party', 'relation_type_subdivision')
        Relation.create([{
                    'from_': d.party_b.id,
                    'to': d.party_a.id,
                    'type': type_,
                    } for d in duplicates])

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
        Configuration = pool.get('ric.party.configuration')
        config = Configuration(1)
        party = Party.__table__()
        cursor = Transaction().connection.cursor()

        where = (party.is_client == Literal(True)) & (
            party.active == Literal(True))
        if domain:
            where &= party.id.in_(Party.search(domain, query=True))
        data = {}
        cursor.execute(*party.select(party.id, party.name, where=where))
        for id_, name in cursor:
            data[id_] = {'name': name, 'kpp': None, 'inn': None,
                'phones': [], 'emails': [], 'city': '', 'address': ''}
        cls._load_identifiers(data, party, where)
        cls._load_mechanisms(data, party, where)
        cls._load_addresses(data, party, where)
        records = [Corpus.make_record(
                id_, d['name'], d['city'], d['address'], d['inn'],
                d['phones'], d['emails'], kpp=d['kpp'])
            for id_, d in data.items()]
        return Corpus(records,
            name_threshold=config.duplicate_name_threshold,
            address_threshold=config.duplicate_address_threshold,
            max_group=config.duplicate_max_group)

    @classmethod
    def _load_identifiers(cls, data, party, where):
        """Set the INN and the KPP in data {party id: dict} of the clients of
        party matching where (one query)"""
        pool = Pool()
        Identifier = pool.get('party.identifier')
        identifier = Identifier.__table__()
        cursor = Transaction().connection.cursor()
        # the INN and the KPP are identifiers (the first active one)
        cursor.execute(*identifier.join(party,
                condition=identifier.party == party.id
                ).select(identifier.party, identifier.type,
                identifier.code_compact,
                where=where & identifier.type.in_(['ru_vat', 'ru_kpp'])
                & (identifier.active == Literal(True)),
                order_by=[identifier.sequence.desc.nulls_last,
                    identifier.id.desc]))
        for id_, type_, code in cursor:
            data[id_]['inn' if type_ == 'ru_vat' else 'kpp'] = code

    @classmethod
    def _load_mechanisms(cls, data, party, where):
        """Add the phones and the e-mails to data {party id: dict} of the
        clients of party matching where (one query)"""
        pool = Pool()
        Mechanism = pool.get('party.contact_mechanism')
        mechanism = Mechanism.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*mechanism.join(party,
                condition=mechanism.party == party.id
                ).select(mechanism.party, mechanism.type,
                mechanism.value_compact, mechanism.value,
                where=where & mechanism.type.in_(['phone', 'mobile', 'email'])
                & (mechanism.active == Literal(True))))
        for id_, type_, compact, value in cursor:
            if type_ == 'email':
                data[id_]['emails'].append(compact or value)
            else:
                phone = compact_phone(compact, value)
                if phone:
                    data[id_]['phones'].append(phone)

    @classmethod
    def _load_addresses(cls, data, party, where):
        """Set the city and the address of the first active address in data
        {party id: dict} of the clients of party matching where (one
        query)"""
        pool = Pool()
        Address = pool.get('party.address')
        address = Address.__table__()
        cursor = Transaction().connection.cursor()
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

    @classmethod
    def find_duplicates(cls, domain=None):
        """Search the candidate duplicates and branches among the active
        clients and create the pairs not yet known; return the number
        created"""
        pool = Pool()
        Relation = pool.get('party.relation')
        table = cls.__table__()
        relation = Relation.__table__()
        cursor = Transaction().connection.cursor()
        start = time.perf_counter()
        corpus = cls.load_corpus(domain)
        loaded = time.perf_counter()
        candidates = corpus.candidates()
        searched = time.perf_counter()
        logger.info("duplicate search: %s clients loaded in %.1f s, "
            "%s pairs found in %.1f s", len(corpus.records), loaded - start,
            len(candidates), searched - loaded)
        if corpus.skipped:
            logger.info("duplicate search: left out %s", dict(corpus.skipped))
        known = set()
        cursor.execute(*table.select(table.party_a, table.party_b))
        for a, b in cursor:
            known.add((a, b))
            known.add((b, a))
        # the clients linked already are not proposed again
        cursor.execute(*relation.select(relation.from_, relation.to))
        for a, b in cursor:
            known.add((a, b))
            known.add((b, a))
        now = CurrentTimestamp()
        user = Transaction().user
        rows = [[a, b, kind, score, ','.join(reasons), 'candidate', user, now]
            for (a, b), (kind, score, reasons) in sorted(candidates.items())
            if (a, b) not in known]
        # bulk insert: the pairs are plain data checked by the search
        for i in range(0, len(rows), 1000):
            cursor.execute(*table.insert(
                    [table.party_a, table.party_b, table.kind, table.score,
                        table.reasons, table.state, table.create_uid,
                        table.create_date],
                    rows[i:i + 1000]))
        logger.info("duplicate search: %s new pairs saved in %.1f s",
            len(rows), time.perf_counter() - searched)
        return len(rows)

    @classmethod
    def find_duplicates_cron(cls):
        cls.find_duplicates()


class FindDuplicatesStart(ModelView):
    "Find Duplicate Clients"
    __name__ = 'ric.party.duplicate.find.start'
    __string__ = "Find Duplicate Clients"
    clients = fields.Integer("Active Clients", readonly=True,
        help="The number of active clients compared with each other.")
    name_threshold = fields.Integer("Name Similarity", readonly=True)
    address_threshold = fields.Integer("Address Similarity", readonly=True)
    max_group = fields.Integer("Maximal Group", readonly=True)
    known = fields.Integer("Known Pairs", readonly=True,
        help="The pairs recorded already (candidates, merged, linked or "
        "not duplicates): they are not proposed again.")


class FindDuplicatesResult(ModelView):
    "Duplicate Clients Found"
    __name__ = 'ric.party.duplicate.find.result'
    __string__ = "Duplicate Clients Found"
    created = fields.Integer("New Pairs", readonly=True,
        help="The candidate pairs this search found and recorded.")
    candidates = fields.Integer("Candidates to Check", readonly=True,
        help="All the pairs waiting for a decision, with the new ones.")


class FindDuplicates(Wizard):
    "Find Duplicate Clients"
    __name__ = 'ric.party.duplicate.find'
    __string__ = "Find Duplicate Clients"
    start = StateView('ric.party.duplicate.find.start',
        'ric_party.duplicate_find_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Search", 'find', 'tryton-search', default=True),
            ])
    find = StateTransition()
    result = StateView('ric.party.duplicate.find.result',
        'ric_party.duplicate_find_result_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Open Pairs", 'open_', 'tryton-forward', default=True),
            ])
    open_ = StateAction('ric_party.act_duplicate_form')

    def default_start(self, fields):
        pool = Pool()
        Party = pool.get('party.party')
        Duplicate = pool.get('ric.party.duplicate')
        Configuration = pool.get('ric.party.configuration')
        config = Configuration(1)
        return {
            'clients': Party.search_count([('is_client', '=', True)]),
            'name_threshold': config.duplicate_name_threshold,
            'address_threshold': config.duplicate_address_threshold,
            'max_group': config.duplicate_max_group,
            'known': Duplicate.search_count([]),
            }

    def transition_find(self):
        pool = Pool()
        Duplicate = pool.get('ric.party.duplicate')
        self.result.created = Duplicate.find_duplicates()
        self.result.candidates = Duplicate.search_count(
            [('state', '=', 'candidate')])
        return 'result'

    def default_result(self, fields):
        return {
            'created': self.result.created,
            'candidates': self.result.candidates,
            }

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
