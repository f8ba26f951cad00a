#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Write a trytond configuration file from config/trytond.conf.

The template in config/ has relative paths; this resolves them for one
instance (demo, browser test) and sets the database and web client.
"""
import argparse
import configparser
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make_config(output, uri, path=None, listen=None, web_root=None,
        database_list=True):
    config = configparser.ConfigParser(interpolation=None)
    config.read(os.path.join(ROOT, 'config', 'trytond.conf'))
    config.set('database', 'uri', uri)
    if path:
        config.set('database', 'path', path)
    config.set('database', 'list', str(bool(database_list)))
    if listen:
        config.set('web', 'listen', listen)
    if web_root:
        config.set('web', 'root', web_root)
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, 'w') as fp:
        config.write(fp)
    return output


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--output', required=True)
    parser.add_argument('--uri', default='sqlite://')
    parser.add_argument('--path')
    parser.add_argument('--listen')
    parser.add_argument('--web-root')
    parser.add_argument('--no-database-list', action='store_true',
        help="do not list the databases on the login screen")
    args = parser.parse_args()
    make_config(args.output, args.uri, args.path, args.listen,
        args.web_root, not args.no_database_list)


if __name__ == '__main__':
    main()
