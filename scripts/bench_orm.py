# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Time the stock ORM calls a benchmarked run makes

A run built on Tryton's own documents spends most of its time in their
``create`` and ``post``: the time of those calls alone, with no code of
ours around them, bounds the throughput any path through the ORM reaches.
The benchmarks print it next to their figures."""
import collections
import time


class StockCalls:
    "Seconds spent in the outermost calls of methods of pool models"

    def __init__(self, database, calls):
        from trytond.pool import Pool
        self.seconds = collections.Counter()
        self._depth = 0
        pool = Pool(database)
        for model, name in calls:
            self._wrap(pool.get(model), model, name)

    def _wrap(self, Model, model, name):
        method = getattr(Model, name)
        key = '%s.%s' % (model, name)

        def timed(cls, *args, **kwargs):
            self._depth += 1
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self._depth -= 1
                if not self._depth:
                    self.seconds[key] += time.perf_counter() - start
        setattr(Model, name, classmethod(timed))

    def clear(self):
        self.seconds.clear()

    @property
    def total(self):
        return sum(self.seconds.values())

    def describe(self, count, duration, unit):
        "Return the line that says how much of duration the calls took"
        if not (count and duration and self.total):
            return ''
        return ("  of which stock %s (%.0f %% of the time): these calls "
            "alone bound the run at %.0f %s/s" % (
                ', '.join('%s %.1f s' % kv
                    for kv in sorted(self.seconds.items())),
                100 * self.total / duration, count / self.total, unit))
