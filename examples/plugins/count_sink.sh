#!/bin/sh
# An exec sink in shell: answers the handshake, reads every posting, and writes a one-line
# receipt (which syndicate publishes at the sink's path:). A real one would push to an API.
read -r hello
echo '{"syndicate": 1}'
count=0
while IFS= read -r posting; do
  count=$((count + 1))
done
echo "received $count postings"
