# Writes the text file IN as a C array named VAR into OUT (cmake -P), so
# the library carries it and an installed binary needs no data path.
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
file(WRITE "${OUT}" "/* generated from ${IN} */\nconst char ${VAR}[] = {${hex} 0x00};\n")
