#!/bin/sh
# The smallest exec stage: answers the handshake and echoes every posting unchanged.
read -r hello
echo '{"syndicate": 1}'
exec cat
