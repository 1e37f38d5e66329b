"""Building blocks of the synthetic demo council (public entry point: ``sufficiency.demo_council``).

Each module does one job: national statistics, geography, careers, placements, episodes,
households, referrals, SSDA903 tables and files. Nothing here holds real children's data.
"""
