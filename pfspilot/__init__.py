"""PFS Pilot: pilotage de la plateforme de service CAF Nord–Pas-de-Calais."""
