-- ARGV: key, owner. Gives the lease back when the owner holds it.
if redis.call('HGET', ARGV[1], 'o') == ARGV[2] then redis.call('DEL', ARGV[1]) return 1 end
return 0
