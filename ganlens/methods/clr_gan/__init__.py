"""CLR-GAN (Zhang et al., ECCV 2024): D regresses the latent of G's images, G rebuilds real ones."""

from ganlens.methods.clr_gan.config import DISTANCES, CLRGANConfig
from ganlens.methods.clr_gan.method import CLRGAN, distance, feature_size

__all__ = ["CLRGAN", "DISTANCES", "CLRGANConfig", "distance", "feature_size"]
