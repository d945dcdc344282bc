SELECT "sector", "Weird ""name""" FROM agents -- comment
/* block
comment */ WHERE 1 = 1