#!/bin/sh
# An exec source in shell: the handshake, then every *.jsonl file of a folder given as $1,
# line by line (each already in the record's JSON form).
read -r hello
echo '{"syndicate": 1}'
cat "${1:-.}"/*.jsonl
