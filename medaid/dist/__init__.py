"""Thin runners over :func:`medaid.batch.settle_partition` (DESIGN §8): claims shuffled by person onto an
existing distributed engine, settled partition by partition, written as a Parquet dataset.

- :mod:`medaid.dist.dataset`: the engine-free part: input pieces, the person key, duplicate claim ids
  across partitions, reading a settled dataset back.
- :mod:`medaid.dist.dask`: the Dask runner (``medaid claims … --cluster``); needs the ``dist`` extra.

Nothing here is imported by ``import medaid``; the Dask runner imports Dask only when it runs.
"""
