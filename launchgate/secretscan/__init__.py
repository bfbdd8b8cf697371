"""The secrets check: credentials in the working tree, every commit on every ref, and build output.

Layout: ``rules`` loads the rule packs (data in ``checks/secrets-*.yml``), ``detector`` turns them
into a prefilter + keyword router + detectors, ``gitwalk`` streams ``git log -p`` in parallel
shards, ``tree`` scans files on disk, ``baseline`` reads and writes accepted findings, and
``check`` ties them into the registered ``secrets`` check.
"""
