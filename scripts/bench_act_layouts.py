#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""LibreOffice's conversion of an act of reconciliation, by table layout

Takes the ODT of a long act (``scripts/bench_settlement_acts.py --skip-cron
--save-odt act.odt``), makes variants of its table of documents and prints
the median time of LibreOffice (the one ric_base keeps running, so its
start is not counted) to convert each to PDF, and the original to text
(what reading the ODT costs):

* ``table``: the act as printed (one row a document, eight cells);
* ``fixed-height``: rows of a fixed height, cells not centred vertically;
* ``no-heading``: the heading rows not repeated on each page;
* ``empty-cells``: the empty cells without a paragraph;
* ``tables-10``, ``tables-200``: the table cut into tables of 10 or 200
  rows;
* ``rows-25``, ``rows-60``: a row for 25 or 60 documents, a paragraph a
  document with a bottom border in each cell (the columns no longer line
  up when a text wraps);
* ``paragraphs``: no table, a paragraph a document with tab stops and a
  bottom border (no vertical rules between the columns).

    scripts/bench_act_layouts.py act.odt --repeat 3
"""
import argparse
import io
import os
import re
import statistics
import sys
import time
import zipfile

ROW = re.compile(r'<table:table-row>(.*?)</table:table-row>', re.S)
CELL = re.compile(
    r'<table:table-cell[^>]*?(?:/>|>(.*?)</table:table-cell>)', re.S)
TAG = re.compile(r'<[^>]+>')


def rezip(original, content, styles=''):
    "Return the ODT original with content.xml replaced (and styles added)"
    if styles:
        content = content.replace(
            '</office:automatic-styles>',
            styles + '</office:automatic-styles>', 1)
    source = zipfile.ZipFile(io.BytesIO(original))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as target:
        for item in source.infolist():
            data = (content.encode() if item.filename == 'content.xml'
                else source.read(item.filename))
            target.writestr(item, data,
                compress_type=zipfile.ZIP_STORED
                if item.filename == 'mimetype' else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def split_table(content):
    """Return (before, opening of the table, heading, [rows], after) of the
    act's table"""
    start = content.index('<table:table table:name="Act"')
    end = content.index('</table:table>', start)
    table = content[start:end]
    heading = table.index('<table:table-header-rows>')
    body = table.index('</table:table-header-rows>') + len(
        '</table:table-header-rows>')
    return (content[:start], table[:heading], table[heading:body],
        ROW.findall(table[body:]), content[end:])


def variants(original):
    "Yield (name, ODT bytes) of the layouts"
    content = zipfile.ZipFile(io.BytesIO(original)).read(
        'content.xml').decode()
    before, opening, heading, rows, after = split_table(content)

    def table(rows, heading=heading):
        return (before + opening + heading
            + ''.join('<table:table-row>%s</table:table-row>' % r
                for r in rows) + after)
    yield 'table', original
    yield 'fixed-height', rezip(original, content.replace(
            '<table:table-row>',
            '<table:table-row table:style-name="Fixed">').replace(
            'style:vertical-align="middle" ', ''),
        '<style:style style:name="Fixed" style:family="table-row">'
        '<style:table-row-properties style:row-height="0.36cm"/>'
        '</style:style>')
    yield 'no-heading', rezip(original, table(rows, heading.replace(
                '<table:table-header-rows>', '').replace(
                '</table:table-header-rows>', '')))
    yield 'empty-cells', rezip(original, re.sub(
            r'(<table:table-cell table:style-name="Grid")'
            r'(?: office:value-type="string")?>'
            r'<text:p text:style-name="T[DR]"></text:p></table:table-cell>',
            r'\1/>', content))
    for size in [10, 200]:
        parts = []
        for index in range(0, len(rows), size):
            if index:
                parts.append('</table:table>' + opening.replace(
                        'table:name="Act"', 'table:name="Act%d"' % index))
            parts.extend('<table:table-row>%s</table:table-row>' % r
                for r in rows[index:index + size])
        yield 'tables-%d' % size, rezip(original,
            before + opening + heading + ''.join(parts) + after)
    lined = ('<style:style style:name="%s" style:family="paragraph" '
        'style:parent-style-name="%s"><style:paragraph-properties '
        'fo:padding="0.04cm" fo:border-bottom="0.5pt solid #000000"/>'
        '</style:style>')
    styles = (lined % ('TDL', 'TD') + lined % ('TRL', 'TR')
        + '<style:style style:name="GridC" style:family="table-cell">'
        '<style:table-cell-properties fo:padding="0cm" '
        'fo:border="0.5pt solid #000000"/></style:style>')
    first, lines, last = rows[:1], rows[1:-2], rows[-2:]
    for size in [25, 60]:
        grouped = []
        for index in range(0, len(lines), size):
            cells = [[c or '' for c in CELL.findall(r)]
                for r in lines[index:index + size]]
            grouped.append(''.join(
                    '<table:table-cell table:style-name="GridC">%s'
                    '</table:table-cell>' % ''.join(
                        c[column].replace('"TD"', '"TDL"').replace(
                            '"TR"', '"TRL"') for c in cells)
                    for column in range(8)))
        yield 'rows-%d' % size, rezip(
            original, table(first + grouped + last), styles)
    tabs = ''.join('<style:tab-stop style:position="%s"%s/>' % (
            position, ' style:type="right"' if right else '')
        for position, right in [('1.7cm', 0), ('8.25cm', 1),
            ('10.2cm', 1), ('11.9cm', 0), ('16.5cm', 1), ('18.9cm', 1)])
    paragraphs = ''.join(
        '<text:p text:style-name="Row">%s</text:p>' % '<text:tab/>'.join(
            TAG.sub('', c or '') for c in CELL.findall(r))
        for r in rows)
    yield 'paragraphs', rezip(original, before + paragraphs + after.split(
            '</table:table>', 1)[1],
        '<style:style style:name="Row" style:family="paragraph" '
        'style:parent-style-name="Standard"><style:paragraph-properties '
        'fo:padding="0.04cm" fo:border-bottom="0.5pt solid #000000" '
        'fo:border-left="0.5pt solid #000000" '
        'fo:border-right="0.5pt solid #000000"><style:tab-stops>%s'
        '</style:tab-stops></style:paragraph-properties>'
        '<style:text-properties fo:font-size="7pt"/></style:style>' % tabs)


def timed(convert, data, extension, repeat):
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        convert([('act', data)], extension)
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('odt', help="the ODT of an act (--save-odt)")
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()
    from trytond.modules.ric_base.office import convert_many
    with open(args.odt, 'rb') as file:
        original = file.read()
    rows = len(split_table(zipfile.ZipFile(io.BytesIO(original)).read(
                'content.xml').decode())[3])
    convert_many([('warm', original)], 'pdf')  # starts the kept one
    print("act of %s rows; LibreOffice kept running; medians of %s; "
        "load %.2f" % (rows, args.repeat, os.getloadavg()[0]))
    print("%-14s %6.2f s (reading the ODT: converted to text)" % (
            'table', timed(convert_many, original, 'txt', args.repeat)))
    for name, data in variants(original):
        print("%-14s %6.2f s to PDF" % (
                name, timed(convert_many, data, 'pdf', args.repeat)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
