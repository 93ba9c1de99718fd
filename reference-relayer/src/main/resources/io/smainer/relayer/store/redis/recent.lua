-- ARGV: prefix, max. Returns the newest tasks (j and m each), newest first.
return jsons(ARGV[1], redis.call('ZREVRANGE', ARGV[1] .. 'all', 0, tonumber(ARGV[2]) - 1))
