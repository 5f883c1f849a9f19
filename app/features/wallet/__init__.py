"""The holder's wallet of badges: a private page opened by a link without password, where the
person shares each badge (verification link, QR code, paper, LinkedIn, files)."""

from app.features.wallet.links import new_link, wallet_path

__all__ = ["new_link", "wallet_path"]
