-- ARGV: prefix, now millis, retention millis, cap, most finished bytes. Returns how many fin holds.
prune(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))
return redis.call('ZCARD', ARGV[1] .. 'fin')
