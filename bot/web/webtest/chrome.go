package webtest

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// ChromiumFlags are the flags headless Chromium needs on this machine and
// on CI (no sandbox in containers, nothing fetched from the network).
var ChromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
	"--remote-debugging-port=0"}

// FindChromium returns the path of an installed Chromium, or "".
func FindChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// HasJapaneseFonts reports whether a Noto CJK font (fonts-noto-cjk) is
// installed: without one, Chromium draws Japanese as boxes.
func HasJapaneseFonts() bool {
	for _, pattern := range []string{"/usr/share/fonts/opentype/noto/NotoSansCJK*", "/usr/share/fonts/*/*/NotoSansCJK*", "/usr/share/fonts/*/NotoSansCJK*"} {
		if m, _ := filepath.Glob(pattern); len(m) > 0 {
			return true
		}
	}
	return false
}

// Browser is a headless Chromium driven over the DevTools protocol: one
// page, attached in flat session mode.
type Browser struct {
	cmd     *exec.Cmd
	conn    *websocket.Conn
	session string

	mu      sync.Mutex
	nextID  int64
	pending map[int64]chan reply
	events  chan event
	done    chan struct{}
	writeMu sync.Mutex

	base context.Context // StartBrowser's context without its cancel, for Close
}

type reply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type event struct {
	Method    string          `json:"method"`
	SessionID string          `json:"sessionId"`
	Params    json.RawMessage `json:"params"`
}

// StartBrowser starts Chromium with a new empty profile in dir and opens a
// page of width×height CSS pixels.
func StartBrowser(ctx context.Context, chromium, dir string, width, height int) (*Browser, error) {
	profile := filepath.Join(dir, "profile")
	if err := os.MkdirAll(profile, 0o700); err != nil {
		return nil, err
	}
	args := append(append([]string{}, ChromiumFlags...), "--user-data-dir="+profile,
		fmt.Sprintf("--window-size=%d,%d", width, height), "about:blank")
	cmd := exec.Command(chromium, args...)
	logf, err := os.Create(filepath.Join(dir, "chromium.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("webtest: start chromium: %w", err)
	}
	b := &Browser{cmd: cmd, pending: map[int64]chan reply{}, events: make(chan event, 256), done: make(chan struct{}),
		base: context.WithoutCancel(ctx)}
	ws, err := devToolsURL(ctx, profile)
	if err == nil {
		b.conn, _, err = websocket.DefaultDialer.DialContext(ctx, ws, nil)
	}
	if err != nil {
		b.Close()
		log, _ := os.ReadFile(logf.Name())
		return nil, fmt.Errorf("webtest: connect to chromium: %w\n%s", err, log)
	}
	go b.read()
	if err := b.open(ctx, width, height); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// devToolsURL waits for Chromium to write the port it listens on.
func devToolsURL(ctx context.Context, profile string) (string, error) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		f, err := os.Open(filepath.Join(profile, "DevToolsActivePort"))
		if err == nil {
			sc := bufio.NewScanner(f)
			var lines []string
			for sc.Scan() {
				lines = append(lines, strings.TrimSpace(sc.Text()))
			}
			f.Close()
			if len(lines) >= 2 && lines[0] != "" {
				return "ws://127.0.0.1:" + lines[0] + lines[1], nil
			}
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return "", errors.New("no DevToolsActivePort after 30 s")
}

func (b *Browser) read() {
	defer close(b.done)
	for {
		_, data, err := b.conn.ReadMessage()
		if err != nil {
			return
		}
		var m struct {
			ID int64 `json:"id"`
			reply
			event
		}
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		if m.ID != 0 {
			b.mu.Lock()
			ch := b.pending[m.ID]
			delete(b.pending, m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m.reply
			}
			continue
		}
		select {
		case b.events <- m.event:
		default: // nobody waits for it
		}
	}
}

// call sends one DevTools command (to the page when session is set) and
// decodes its result into out.
func (b *Browser) call(ctx context.Context, session, method string, params, out any) error {
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan reply, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method, "params": params}
	if session != "" {
		msg["sessionId"] = session
	}
	b.writeMu.Lock()
	err := b.conn.WriteJSON(msg)
	b.writeMu.Unlock()
	if err != nil {
		return fmt.Errorf("webtest: %s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			return fmt.Errorf("webtest: %s: %s", method, r.Error.Message)
		}
		if out != nil {
			return json.Unmarshal(r.Result, out)
		}
		return nil
	case <-b.done:
		return fmt.Errorf("webtest: %s: chromium went away", method)
	case <-ctx.Done():
		return fmt.Errorf("webtest: %s: %w", method, ctx.Err())
	}
}

func (b *Browser) open(ctx context.Context, width, height int) error {
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		return err
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att); err != nil {
		return err
	}
	b.session = att.SessionID
	if err := b.call(ctx, b.session, "Page.enable", map[string]any{}, nil); err != nil {
		return err
	}
	return b.call(ctx, b.session, "Emulation.setDeviceMetricsOverride",
		map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}, nil)
}

// Resize sets the page's size in CSS pixels; mobile emulates a phone.
func (b *Browser) Resize(ctx context.Context, width, height int, mobile bool) error {
	return b.call(ctx, b.session, "Emulation.setDeviceMetricsOverride",
		map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}, nil)
}

// Media emulates a CSS media type: "print", or "" for the screen.
func (b *Browser) Media(ctx context.Context, media string) error {
	return b.call(ctx, b.session, "Emulation.setEmulatedMedia", map[string]any{"media": media}, nil)
}

// Navigate opens url and waits for the page to load.
func (b *Browser) Navigate(ctx context.Context, url string) error {
	return b.AndWait(ctx, func() error {
		return b.call(ctx, b.session, "Page.navigate", map[string]any{"url": url}, nil)
	})
}

// AndWait runs act (a navigation, a click) and waits for the next page
// load.
func (b *Browser) AndWait(ctx context.Context, act func() error) error {
	for len(b.events) > 0 { // forget earlier events
		<-b.events
	}
	if err := act(); err != nil {
		return err
	}
	timeout := time.After(20 * time.Second)
	for {
		select {
		case e := <-b.events:
			if e.Method == "Page.loadEventFired" && e.SessionID == b.session {
				return nil
			}
		case <-timeout:
			return errors.New("webtest: the page did not load within 20 s")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Click clicks the first element matching selector and waits for the page
// it leads to.
func (b *Browser) Click(ctx context.Context, selector string) error {
	return b.AndWait(ctx, func() error {
		var found bool
		js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return false; e.click(); return true })()`, selector)
		if err := b.Eval(ctx, js, &found); err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("webtest: nothing matches %s", selector)
		}
		return nil
	})
}

// Eval evaluates a JavaScript expression in the page and decodes its value.
func (b *Browser) Eval(ctx context.Context, expr string, out any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	if err := b.call(ctx, b.session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &r); err != nil {
		return err
	}
	if r.Exception != nil {
		return fmt.Errorf("webtest: %s: %s", expr, r.Exception.Text)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(r.Result.Value, out)
}

// Screenshot saves a PNG of the page to path: its top maxHeight CSS
// pixels, or the whole page (up to 6,000 pixels) when maxHeight is 0.
func (b *Browser) Screenshot(ctx context.Context, path string, maxHeight float64) error {
	if maxHeight <= 0 {
		maxHeight = 6000
	}
	var m struct {
		CSS struct {
			Width  float64 `json:"width"`
			Height float64 `json:"height"`
		} `json:"cssContentSize"`
	}
	if err := b.call(ctx, b.session, "Page.getLayoutMetrics", map[string]any{}, &m); err != nil {
		return err
	}
	var shot struct {
		Data string `json:"data"`
	}
	err := b.call(ctx, b.session, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": m.CSS.Width, "height": min(m.CSS.Height, maxHeight), "scale": 1}}, &shot)
	if err != nil {
		return err
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		return fmt.Errorf("webtest: screenshot: %w", err)
	}
	return os.WriteFile(path, png, 0o600)
}

// Close ends Chromium.
func (b *Browser) Close() {
	if b.conn != nil {
		_ = b.call(b.base, "", "Browser.close", map[string]any{}, nil)
		b.conn.Close()
	}
	if b.cmd.Process != nil {
		done := make(chan struct{})
		go func() { _ = b.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = b.cmd.Process.Kill()
			<-done
		}
	}
}
