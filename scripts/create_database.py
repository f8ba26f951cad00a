#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Create a database with every module of the suite activated.

Runs trytond-admin: initialise the database, activate every module found in
modules/ (with their dependencies) and load the translations of the
languages given, which become the translatable languages.  The steps of
Tryton's module configuration wizard this does (languages, modules) are
closed, so that the administrator's first login only offers what is left
to do: the users, the company and its chart of accounts (which
scripts/demo_data.py does and closes for the demo).
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def suite_modules():
    "Every module of the suite, or those listed in $RIC_MODULES"
    if os.environ.get('RIC_MODULES'):
        return os.environ['RIC_MODULES'].split()
    return sorted(os.path.basename(os.path.dirname(p))
        for p in glob.glob(os.path.join(ROOT, 'modules', '*', 'tryton.cfg')))


def finish_database(config, database, languages=('ru',), password='admin',
        email='admin@ric.example'):
    """Finish a database whose modules are activated (a copy of the test
    database of the whole suite): the administrator's password and e-mail,
    the configuration steps done, the PostgreSQL extensions, the language"""
    from trytond import config as trytond_config
    trytond_config.update_etc(config)
    from trytond import backend
    if backend.name == 'postgresql':
        _create_extensions(database)
    close_configuration_steps(database, CREATION_STEPS)
    set_administrator(database, password, email)
    if 'ru' in languages:
        russian_database(database, "Администратор")


def set_administrator(database, password, email):
    "Set the password and the e-mail of the administrator (admin)"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        User = Pool(database).get('res.user')
        User.write(User.search([('login', '=', 'admin')]), {
                'password': password,
                'email': email,
                })
        transaction.commit()


def create_database(config, database, languages=('ru',), password='admin',
        email='admin@ric.example'):
    admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
    with tempfile.NamedTemporaryFile('w', delete=False) as passfile:
        passfile.write(password)
    env = dict(os.environ, TRYTONPASSFILE=passfile.name)
    env.pop('TRYTOND_DATABASE__URI', None)
    env.pop('TRYTOND_DATABASE_URI', None)
    try:
        _create_empty(config, database)
        # ir and res get their translations here: the override files of
        # the suite need the Russian rows of every module they translate
        subprocess.run([admin, '-c', config, '-d', database, '--all',
                '--email', email, '-l', *languages], check=True, env=env)
        subprocess.run([admin, '-c', config, '-d', database,
                '--activate-dependencies', '-u', *suite_modules(),
                '-l', *languages], check=True, env=env)
    finally:
        os.unlink(passfile.name)
    close_configuration_steps(database, CREATION_STEPS)
    if 'ru' in languages:
        russian_database(database, "Администратор")


#: Steps of the module configuration wizard (ir.module.config_wizard.item)
#: that the creation of the database does: the languages are loaded and
#: the modules activated
CREATION_STEPS = ['ir.config_wizard_item_lang', 'ir.config_wizard_item_module']


def close_configuration_steps(database, xml_ids):
    """Mark done the configuration wizard steps of xml_ids (module.id) that
    are activated, so that the wizard does not open them at login"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(database).init()
    with Transaction().start(database, 0) as transaction:
        pool = Pool(database)
        Item = pool.get('ir.module.config_wizard.item')
        ModelData = pool.get('ir.model.data')
        ids = []
        for xml_id in xml_ids:
            module, fs_id = xml_id.split('.', 1)
            try:
                ids.append(ModelData.get_id(module, fs_id))
            except KeyError:
                continue  # the module of the step is not activated
        Item.write(Item.browse(ids), {'state': 'done'})
        transaction.commit()


def russian_database(database, name):
    """Make Russian the language of the database (the texts the server
    writes for every user: change log, e-mails) and name the administrator
    in it"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        Configuration = Pool(database).get('ir.configuration')
        configuration = Configuration(1)
        configuration.language = 'ru'
        configuration.save()
        User = Pool(database).get('res.user')
        users = User.search([
                ('login', '=', 'admin'), ('name', '=', 'Administrator')])
        if users:
            User.write(users, {'name': name})
        transaction.commit()


def _create_empty(config_file, database):
    "Create the empty database (SQLite file or PostgreSQL database)"
    from trytond import config
    config.update_etc(config_file)
    from trytond import backend
    from trytond.transaction import Transaction
    with Transaction().start(None, 0, close=True, autocommit=True) as t:
        if database not in t.database.list():
            t.database.create(t.connection, database)
    if backend.name == 'postgresql':
        _create_extensions(database)


#: PostgreSQL extensions trytond uses when present: trigram indexes of the
#: searches by name fragment (pg_trgm) and searches without accents
EXTENSIONS = ['pg_trgm', 'unaccent']


def create_extensions(cursor, report=print):
    """Create the extensions of EXTENSIONS that PostgreSQL offers

    unaccent(text) is made IMMUTABLE: trytond indexes the unaccented
    columns (Index.Unaccent) only when the function may be indexed, else
    the searches by name fragment, which compare unaccented values, cannot
    use the trigram indexes.  Its cost is raised from 1 (the default of a
    C function) to 100: unaccent looks each character up in a dictionary,
    and at cost 1 the planner scans the 100 000 clients calling it on each
    name (185 ms) rather than use the trigram index (20 ms)."""
    cursor.execute('SELECT name FROM pg_available_extensions')
    available = {n for n, in cursor}
    for name in EXTENSIONS:
        if name in available:
            cursor.execute('CREATE EXTENSION IF NOT EXISTS "%s"' % name)
            report("extension %s created" % name)
        else:
            report("PostgreSQL extension %s is not available: searches "
                "run without it" % name)
    if 'unaccent' in available:
        cursor.execute('ALTER FUNCTION unaccent(text) IMMUTABLE COST 100')


def _create_extensions(database):
    "Create the PostgreSQL extensions of production (when available)"
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, close=True) as t:
        create_extensions(t.connection.cursor(),
            lambda message: print(message, file=sys.stderr))
        t.commit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-c', '--config', required=True)
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('-l', '--language', nargs='+', default=['ru'])
    parser.add_argument('--password', default='admin')
    parser.add_argument('--prepared', action='store_true',
        help="the database exists with the modules activated (a copy of "
        "a test database): only finish it")
    args = parser.parse_args()
    if args.prepared:
        finish_database(
            args.config, args.database, args.language, args.password)
    else:
        create_database(
            args.config, args.database, args.language, args.password)


if __name__ == '__main__':
    main()
