package line

import (
	"crypto/sha1"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/bansou/bansou/bot"
)

// retryNamespace is the fixed namespace of bansou's LINE retry keys (a
// random version 4 UUID chosen once; never change it, or pushes retried
// across an upgrade would be sent twice).
var retryNamespace = [16]byte{0x6b, 0x1e, 0x3c, 0x52, 0x9a, 0x0d, 0x4f, 0x7e, 0xa1, 0x58, 0x2c, 0x93, 0xd4, 0x07, 0xe6, 0x3b}

// nameUUID is the retry key for name: its UUID in retryNamespace.
func nameUUID(name string) string { return uuid5(retryNamespace, name) }

// uuid5 is the RFC 4122 name-based UUID (version 5, SHA-1) of name in the
// namespace ns, formatted 8-4-4-4-12 as LINE's X-Line-Retry-Key wants.
func uuid5(ns [16]byte, name string) string {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// retryKey is the push's idempotency key: from r.PushKey alone when set (a
// scheduled delivery: the same key on every retry, from any replica);
// otherwise from the recipient, the session, the reply token (when a reply
// fell back to a push) and the text pushed.
func retryKey(r bot.Reply, texts []string) string {
	if r.PushKey != "" {
		return nameUUID("push\x00" + r.PushKey)
	}
	parts := append([]string{"reply", r.UserID, strconv.FormatInt(r.SessionID, 10), r.ReplyToken}, texts...)
	return nameUUID(strings.Join(parts, "\x00"))
}
