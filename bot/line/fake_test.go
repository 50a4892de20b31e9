package line

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg" // LINE takes JPEG rich menu images too
	_ "image/png"
	"net/http"
	"strings"
	"time"
)

// replyTokenTTL is how long the fake accepts a reply token after the event
// that carried it (LINE: use it at once; it expires).
const replyTokenTTL = time.Minute

// lineRules is what the fake LINE enforces beyond recording: reply tokens
// are single-use and expire, a repeated X-Line-Retry-Key gets 409, pushes
// count against a monthly quota, and the profile, loading and rich menu
// endpoints behave as documented. Guarded by fakeLINE.mu.
type lineRules struct {
	now        func() time.Time
	issued     map[string]time.Time // reply token → when its event happened
	usedTokens map[string]bool
	retryKeys  map[string]bool
	quota      int64 // monthly limit; 0: none
	used       int64 // pushes this month
	profiles   map[string]string
	menus      []fakeMenu
	images     map[string][]byte // rich menu id → image
	defaultID  string
	links      map[string]string // user → rich menu id
	nextID     int
}

type fakeMenu struct {
	ID   string
	Body map[string]any
}

func newLineRules() lineRules {
	return lineRules{now: time.Now, issued: map[string]time.Time{}, usedTokens: map[string]bool{},
		retryKeys: map[string]bool{}, profiles: map[string]string{}, images: map[string][]byte{},
		links: map[string]string{}}
}

func jsonResp(status int, v any) response {
	b, _ := json.Marshal(v)
	return response{status: status, body: string(b)}
}

func lineError(status int, msg string) response {
	return jsonResp(status, map[string]any{"message": msg})
}

// apply answers r as LINE would; ok is false for what the default 200
// answers.
func (l *lineRules) apply(r *http.Request, raw []byte) (response, bool) {
	path := r.URL.Path
	switch {
	case path == pathReply:
		return l.reply(raw)
	case path == pathPush:
		return l.push(r)
	case path == "/v2/bot/message/quota" && r.Method == http.MethodGet:
		if l.quota == 0 {
			return jsonResp(200, map[string]any{"type": "none"}), true
		}
		return jsonResp(200, map[string]any{"type": "limited", "value": l.quota}), true
	case path == "/v2/bot/message/quota/consumption" && r.Method == http.MethodGet:
		return jsonResp(200, map[string]any{"totalUsage": l.used}), true
	case strings.HasPrefix(path, "/v2/bot/profile/"):
		id := strings.TrimPrefix(path, "/v2/bot/profile/")
		name, ok := l.profiles[id]
		if !ok {
			return lineError(404, "Not found"), true
		}
		return jsonResp(200, map[string]any{"userId": id, "displayName": name}), true
	case path == "/v2/bot/chat/loading/start":
		var req struct {
			ChatID  string `json:"chatId"`
			Seconds int    `json:"loadingSeconds"`
		}
		if json.Unmarshal(raw, &req) != nil || !strings.HasPrefix(req.ChatID, "U") || req.Seconds%5 != 0 || req.Seconds > 60 {
			return lineError(400, "The request body has 1 error(s)"), true
		}
		return response{status: http.StatusAccepted, body: "{}"}, true
	case strings.HasPrefix(path, "/v2/bot/richmenu") || strings.HasPrefix(path, "/v2/bot/user/"):
		return l.richMenu(r, raw)
	}
	return response{}, false
}

func (l *lineRules) reply(raw []byte) (response, bool) {
	var req struct {
		ReplyToken string `json:"replyToken"`
	}
	_ = json.Unmarshal(raw, &req)
	issued, known := l.issued[req.ReplyToken]
	switch {
	case l.usedTokens[req.ReplyToken]:
		return lineError(400, "Invalid reply token"), true
	case known && l.now().Sub(issued) > replyTokenTTL:
		return lineError(400, "Invalid reply token"), true
	}
	l.usedTokens[req.ReplyToken] = true
	return response{}, false
}

func (l *lineRules) push(r *http.Request) (response, bool) {
	key := r.Header.Get("X-Line-Retry-Key")
	if key != "" && l.retryKeys[key] {
		return response{status: http.StatusConflict, header: map[string]string{"X-Line-Accepted-Request-Id": "accepted-" + key[:8]},
			body: `{"message":"The retry key is already accepted"}`}, true
	}
	if l.quota > 0 && l.used >= l.quota {
		return lineError(http.StatusTooManyRequests, "You have reached your monthly limit."), true
	}
	if key != "" {
		l.retryKeys[key] = true
	}
	l.used++
	return response{}, false
}

// Rich menu sizes LINE accepts.
var menuSizes = map[[2]int]bool{{2500, 1686}: true, {2500, 843}: true, {1200, 810}: true, {1200, 405}: true, {800, 540}: true, {800, 270}: true}

func (l *lineRules) richMenu(r *http.Request, raw []byte) (response, bool) {
	path := r.URL.Path
	switch {
	case path == "/v2/bot/richmenu/list" && r.Method == http.MethodGet:
		list := []map[string]any{}
		for _, m := range l.menus {
			body := map[string]any{"richMenuId": m.ID}
			for k, v := range m.Body {
				body[k] = v
			}
			list = append(list, body)
		}
		return jsonResp(200, map[string]any{"richmenus": list}), true
	case path == "/v2/bot/richmenu" && r.Method == http.MethodPost:
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			return lineError(400, "bad json"), true
		}
		if msg := checkMenu(body); msg != "" {
			return lineError(400, msg), true
		}
		l.nextID++
		id := fmt.Sprintf("richmenu-%032d", l.nextID)
		l.menus = append(l.menus, fakeMenu{ID: id, Body: body})
		return jsonResp(200, map[string]any{"richMenuId": id}), true
	case strings.HasSuffix(path, "/content") && r.Method == http.MethodPost:
		id := strings.TrimSuffix(strings.TrimPrefix(path, "/v2/bot/richmenu/"), "/content")
		m, ok := l.menu(id)
		switch {
		case !ok:
			return lineError(404, "Not found"), true
		case l.images[id] != nil:
			return lineError(400, "An image has already been uploaded to the richmenu"), true
		case len(raw) > 1<<20:
			return lineError(413, "Request entity too large"), true
		}
		ct := r.Header.Get("Content-Type")
		cfg, format, err := image.DecodeConfig(bytes.NewReader(raw))
		size, _ := m.Body["size"].(map[string]any)
		w, _ := size["width"].(float64)
		h, _ := size["height"].(float64)
		if err != nil || "image/"+format != ct || cfg.Width != int(w) || cfg.Height != int(h) {
			return lineError(400, "invalid image"), true
		}
		l.images[id] = raw
		return response{status: 200, body: "{}"}, true
	case strings.HasPrefix(path, "/v2/bot/user/all/richmenu/") && r.Method == http.MethodPost:
		id := strings.TrimPrefix(path, "/v2/bot/user/all/richmenu/")
		if _, ok := l.menu(id); !ok || l.images[id] == nil {
			return lineError(400, "must upload richmenu image before applying it to user"), true
		}
		l.defaultID = id
		return response{status: 200, body: "{}"}, true
	case path == "/v2/bot/user/all/richmenu" && r.Method == http.MethodGet:
		if l.defaultID == "" {
			return lineError(404, "no default richmenu"), true
		}
		return jsonResp(200, map[string]any{"richMenuId": l.defaultID}), true
	case strings.HasPrefix(path, "/v2/bot/user/") && strings.Contains(path, "/richmenu/") && r.Method == http.MethodPost:
		parts := strings.Split(strings.TrimPrefix(path, "/v2/bot/user/"), "/")
		if len(parts) != 3 {
			return lineError(404, "Not found"), true
		}
		if _, ok := l.menu(parts[2]); !ok || l.images[parts[2]] == nil {
			return lineError(400, "must upload richmenu image before applying it to user"), true
		}
		l.links[parts[0]] = parts[2]
		return response{status: 200, body: "{}"}, true
	case strings.HasPrefix(path, "/v2/bot/richmenu/") && r.Method == http.MethodDelete:
		id := strings.TrimPrefix(path, "/v2/bot/richmenu/")
		for i, m := range l.menus {
			if m.ID == id {
				l.menus = append(l.menus[:i], l.menus[i+1:]...)
				return response{status: 200, body: "{}"}, true
			}
		}
		return lineError(404, "Not found"), true
	}
	return lineError(404, "Not found"), true
}

func (l *lineRules) menu(id string) (fakeMenu, bool) {
	for _, m := range l.menus {
		if m.ID == id {
			return m, true
		}
	}
	return fakeMenu{}, false
}

// checkMenu applies LINE's rich menu object rules; "" when valid.
func checkMenu(body map[string]any) string {
	size, _ := body["size"].(map[string]any)
	w, _ := size["width"].(float64)
	h, _ := size["height"].(float64)
	if !menuSizes[[2]int{int(w), int(h)}] {
		return "invalid size"
	}
	name, _ := body["name"].(string)
	bar, _ := body["chatBarText"].(string)
	if name == "" || len([]rune(name)) > 300 || bar == "" || len([]rune(bar)) > 14 {
		return "invalid name or chatBarText"
	}
	areas, _ := body["areas"].([]any)
	if len(areas) == 0 || len(areas) > 20 {
		return "invalid areas"
	}
	for _, a := range areas {
		am, _ := a.(map[string]any)
		b, _ := am["bounds"].(map[string]any)
		x, _ := b["x"].(float64)
		y, _ := b["y"].(float64)
		bw, _ := b["width"].(float64)
		bh, _ := b["height"].(float64)
		if x < 0 || y < 0 || bw <= 0 || bh <= 0 || x+bw > w || y+bh > h {
			return "area out of bounds"
		}
		act, _ := am["action"].(map[string]any)
		if act["type"] == "postback" {
			data, _ := act["data"].(string)
			label, _ := act["label"].(string)
			if data == "" || len(data) > 300 || len([]rune(label)) > 20 {
				return "invalid postback action"
			}
		}
	}
	return ""
}

// withRules runs fn with the fake's rules locked.
func (f *fakeLINE) withRules(fn func(l *lineRules)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(&f.rules)
}
