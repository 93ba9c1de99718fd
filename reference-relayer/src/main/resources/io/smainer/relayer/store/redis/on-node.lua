-- ARGV: prefix, node. Returns the JSON of the tasks in flight on the node.
return jsons(ARGV[1], redis.call('SMEMBERS', ARGV[1] .. 'n:' .. ARGV[2]))
