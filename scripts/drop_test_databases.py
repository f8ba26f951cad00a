#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Drop PostgreSQL test databases whose names match LIKE patterns.

    drop_test_databases.py URI PATTERN [PATTERN…]
"""
import sys

import psycopg


def main(uri, patterns):
    with psycopg.connect(uri + 'postgres', autocommit=True) as conn:
        names = [r[0] for r in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE ANY(%s)",
                (list(patterns),))
            if r[0].startswith('test')]
        for name in names:
            try:
                conn.execute('DROP DATABASE IF EXISTS "%s"' % name)
            except psycopg.Error as exception:
                print('cannot drop %s: %s' % (name, exception),
                    file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])
