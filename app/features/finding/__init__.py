"""Finding help and sessions near a commune: the search, and the public page « Trouver de l'aide près de chez moi »."""
