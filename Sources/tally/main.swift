import TallyStorage
print("tally")
