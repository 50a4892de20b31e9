package line

import (
	"bytes"
	"context"
	"image"
	"strings"
	"sync"
	"testing"
)

// The owner menu is created once, whatever the number of replicas starting
// at the same moment and of restarts; it is the default menu, and its
// image is one LINE accepts.
func TestRichMenuIsCreatedOnceAcrossReplicasAndRestarts(t *testing.T) {
	h := newHarness(t)
	replicas := []*Sender{h.sender, newTestSender(t, Config{AccessToken: testToken, APIURL: h.line.srv.URL, DataURL: h.line.srv.URL})}
	ids := make([]string, len(replicas))
	var wg sync.WaitGroup
	for i, s := range replicas {
		wg.Go(func() {
			id, err := s.EnsureRichMenu(context.Background())
			if err != nil {
				t.Errorf("replica %d: %v", i, err)
			}
			ids[i] = id
		})
	}
	wg.Wait()
	again, err := h.sender.EnsureRichMenu(context.Background()) // a restart
	if err != nil {
		t.Fatal(err)
	}
	h.line.withRules(func(l *lineRules) {
		if len(l.menus) != 1 {
			t.Fatalf("%d rich menus on LINE, want 1", len(l.menus))
		}
		m := l.menus[0]
		if ids[0] != m.ID || ids[1] != m.ID || again != m.ID || l.defaultID != m.ID {
			t.Errorf("replicas %q, restart %q, default %q; want all %q", ids, again, l.defaultID, m.ID)
		}
		img := l.images[m.ID]
		cfg, format, err := image.DecodeConfig(bytes.NewReader(img))
		if err != nil || format != "png" || cfg.Width != 2500 || cfg.Height != 843 || len(img) >= 1<<20 {
			t.Errorf("menu image: %s %dx%d, %d bytes, %v; want a PNG of 2500x843 under 1 MB", format, cfg.Width, cfg.Height, len(img), err)
		}
		areas, _ := m.Body["areas"].([]any)
		var data []string
		for _, a := range areas {
			act, _ := a.(map[string]any)["action"].(map[string]any)
			data = append(data, act["type"].(string)+":"+act["data"].(string))
		}
		if strings.Join(data, ",") != "postback:menu=call,postback:menu=step,postback:menu=advisor" {
			t.Errorf("menu buttons %q", data)
		}
	})
}

// A menu left by a replica that lost a race (same name, larger id, no
// image) is removed; the one kept is the default.
func TestRichMenuRaceLeftoverIsRemoved(t *testing.T) {
	h := newHarness(t)
	id, err := h.sender.EnsureRichMenu(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	h.line.withRules(func(l *lineRules) {
		l.menus = append(l.menus, fakeMenu{ID: "richmenu-zzzz", Body: map[string]any{"name": RichMenuName}})
	})
	again, err := h.sender.EnsureRichMenu(context.Background())
	if err != nil || again != id {
		t.Fatalf("restart kept %q, %v; want %q", again, err, id)
	}
	h.line.withRules(func(l *lineRules) {
		if len(l.menus) != 1 || l.menus[0].ID != id || l.defaultID != id {
			t.Errorf("menus %v, default %q; want only %q", l.menus, l.defaultID, id)
		}
	})
}

// The menu image: three columns, white type on strong colours.
func TestMenuImageIsHighContrast(t *testing.T) {
	data, err := MenuImage()
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range menuButtons {
		x := i*(menuWidth/3) + 30
		r, g, bl, _ := img.At(x, 20).RGBA()
		if uint8(r>>8) != b.bg.R || uint8(g>>8) != b.bg.G || uint8(bl>>8) != b.bg.B {
			t.Errorf("button %d background %v, want %v", i, img.At(x, 20), b.bg)
		}
		white := 0
		for y := 430; y < 790; y++ {
			for x := i * (menuWidth / 3); x < (i+1)*(menuWidth/3); x += 2 {
				if r, g, b, _ := img.At(x, y).RGBA(); r > 0xf000 && g > 0xf000 && b > 0xf000 {
					white++
				}
			}
		}
		if white < 5000 {
			t.Errorf("button %d has %d white label pixels: no large label", i, white)
		}
	}
}

func (h *harness) menuTap(t *testing.T, user, data string) apiCall {
	t.Helper()
	before := len(h.line.calls(""))
	h.mustDeliver(t, h.postbackEvent(user, data, nil))
	return h.answer(t, before)
}

// The three buttons, outside and inside a check-in, with the loading
// animation shown while each turn runs.
func TestMenuButtons(t *testing.T) {
	h := newHarness(t)
	owner := h.link(t, "Uowner", "山田製作所")
	c := h.menuTap(t, "Uowner", "menu=step")
	if !strings.Contains(c.text(), "「朝礼で月2回、目標を話す」") || !strings.Contains(c.text(), "12月18日") {
		t.Errorf("次の一歩を見る reads %q", c.text())
	}
	c = h.menuTap(t, "Uowner", "menu=advisor")
	if !strings.Contains(c.text(), "○○商工会の佐藤です") {
		t.Errorf("担当者 reads %q", c.text())
	}
	// 「相談したい」 tapped twice (an impatient thumb): one DM.
	h.menuTap(t, "Uowner", "menu=call")
	c = h.menuTap(t, "Uowner", "menu=call")
	if alerts := h.alerts.All(); len(alerts) != 1 || !strings.Contains(c.text(), "担当の佐藤からお電話します") {
		t.Errorf("two taps: %d alerts, reply %q; want one DM", len(alerts), c.text())
	}
	q := h.startCheckin(t, owner)
	c = h.menuTap(t, "Uowner", "menu=call")
	if !strings.Contains(c.text(), "担当の佐藤からお電話します") || len(c.items()) == 0 {
		t.Errorf("相談したい in a check-in reads %q (items %v)", c.text(), c.items())
	}
	if alerts := h.alerts.All(); len(alerts) != 2 || !strings.Contains(alerts[1].Text, "相談したい") {
		t.Errorf("alerts %+v, want a second one for the check-in's request", alerts)
	}
	h.tap(t, "Uowner", quick(t, q, "できた"), nil) // the check-in carries on
	loads := h.line.calls("/v2/bot/chat/loading/start")
	if len(loads) < 6 || loads[0].Body["chatId"] != "Uowner" {
		t.Errorf("%d loading animations (first %v), want one per turn", len(loads), loads)
	}
	// Before linking, a tap asks for the invite code.
	h.mustDeliver(t, h.followEvent("Unew"))
	if c := h.menuTap(t, "Unew", "menu=call"); !strings.Contains(c.text(), "招待コード") {
		t.Errorf("an unlinked tap reads %q", c.text())
	}
}

// BenchmarkMenuImage draws and encodes the owner menu (done once per
// start, per replica); it reports the PNG's size.
func BenchmarkMenuImage(b *testing.B) {
	var n int
	for b.Loop() {
		data, err := MenuImage()
		if err != nil {
			b.Fatal(err)
		}
		n = len(data)
	}
	b.ReportMetric(float64(n), "png-bytes")
}
