"""The papers' tables as ganlens cells: rows, columns, the paper's numbers and claims, per paper.

:mod:`ganlens.papers.eqgan_sa` holds EqGAN-SA's Tables 1-4, :mod:`ganlens.papers.clr_gan`
CLR-GAN's Table 3 and Fig. 4. Method code lives in
:mod:`ganlens.methods`; a paper module only says which runs a table needs and what it claims.
"""

from ganlens.papers import clr_gan, eqgan_sa

__all__ = ["clr_gan", "eqgan_sa"]
