package line

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/http"
	"slices"
	"strings"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// DefaultDataURL is LINE's API for content (rich menu images).
const DefaultDataURL = "https://api-data.line.me"

// RichMenuName marks bansou's owner menu among the channel's rich menus:
// every replica, after every restart, finds it by this name instead of
// creating another. Change the version when the menu changes.
const RichMenuName = "bansou-owner-menu-v1"

// The owner menu: 2500×843 (LINE's "compact" full width), three buttons.
const (
	menuWidth  = 2500
	menuHeight = 843
)

// menuButton is one button of the owner menu: its postback data (read by
// parsePostback as a menu tap) and the words shown in the chat on a tap.
type menuButton struct {
	data, display string
	bg            color.RGBA
	icon          func(img *image.RGBA, cx, cy int)
}

// menuButtons, left to right, in the order of the labels in labels.png.
var menuButtons = []menuButton{
	{data: "menu=call", display: "相談したい", bg: color.RGBA{0xB7, 0x1C, 0x1C, 0xff}, icon: drawBubble},
	{data: "menu=step", display: "次の一歩を見る", bg: color.RGBA{0x1B, 0x5E, 0x20, 0xff}, icon: drawArrow},
	{data: "menu=advisor", display: "担当者", bg: color.RGBA{0x0D, 0x47, 0xA1, 0xff}, icon: drawPerson},
}

// richMenuRequest is the owner menu as the Messaging API takes it.
func richMenuRequest() *messaging_api.RichMenuRequest {
	req := &messaging_api.RichMenuRequest{
		Size:     &messaging_api.RichMenuSize{Width: menuWidth, Height: menuHeight},
		Selected: true, Name: RichMenuName, ChatBarText: "メニュー",
	}
	w := int64(menuWidth / len(menuButtons))
	for i, b := range menuButtons {
		req.Areas = append(req.Areas, messaging_api.RichMenuArea{
			Bounds: &messaging_api.RichMenuBounds{X: int64(i) * w, Y: 0, Width: w, Height: menuHeight},
			Action: &messaging_api.PostbackAction{Label: b.display, Data: b.data, DisplayText: b.display},
		})
	}
	return req
}

//go:embed menuart/labels.png
var labelsPNG []byte

// Label bands in labels.png (see menuart/gen.py).
const labelBand = 360

// MenuImage draws the owner menu: three columns of strong colour, each
// with a large white icon and its label in large white type (from the
// embedded labels.png), PNG-encoded.
func MenuImage() ([]byte, error) {
	labels, err := labelMask()
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, menuWidth, menuHeight))
	w := menuWidth / len(menuButtons)
	for i, b := range menuButtons {
		col := image.Rect(i*w, 0, (i+1)*w, menuHeight)
		if i == len(menuButtons)-1 {
			col.Max.X = menuWidth
		}
		draw.Draw(img, col, image.NewUniform(b.bg), image.Point{}, draw.Src)
		b.icon(img, col.Min.X+col.Dx()/2, 215)
		band := image.Rect(0, i*labelBand, labels.Bounds().Dx(), (i+1)*labelBand)
		at := image.Pt(col.Min.X+(col.Dx()-band.Dx())/2, 430)
		draw.DrawMask(img, image.Rectangle{Min: at, Max: at.Add(band.Size())}, image.White, image.Point{},
			labels, band.Min, draw.Over)
		if i > 0 { // a white rule between buttons
			draw.Draw(img, image.Rect(col.Min.X-4, 0, col.Min.X+4, menuHeight), image.White, image.Point{}, draw.Src)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("line: menu image: %w", err)
	}
	return buf.Bytes(), nil
}

// labelMask reads labels.png (white type on black) as coverage.
func labelMask() (*image.Alpha, error) {
	src, err := png.Decode(bytes.NewReader(labelsPNG))
	if err != nil {
		return nil, fmt.Errorf("line: menu labels: %w", err)
	}
	if g, ok := src.(*image.Gray); ok { // grey level is coverage: same layout
		return &image.Alpha{Pix: g.Pix, Stride: g.Stride, Rect: g.Rect}, nil
	}
	mask := image.NewAlpha(src.Bounds())
	for y := src.Bounds().Min.Y; y < src.Bounds().Max.Y; y++ {
		for x := src.Bounds().Min.X; x < src.Bounds().Max.X; x++ {
			mask.SetAlpha(x, y, color.Alpha{A: color.GrayModel.Convert(src.At(x, y)).(color.Gray).Y})
		}
	}
	return mask, nil
}

// fill paints the pixels around (cx, cy) for which in is true; the shapes
// are drawn on a ±r grid and shown at 4/5 of that size.
func fill(img *image.RGBA, cx, cy, r int, in func(x, y int) bool) {
	r = r * 4 / 5
	for y := -r; y <= r; y++ {
		for x := -r; x <= r; x++ {
			if in(x*5/4, y*5/4) {
				i := img.PixOffset(cx+x, cy+y)
				copy(img.Pix[i:i+4], []byte{0xff, 0xff, 0xff, 0xff})
			}
		}
	}
}

// drawBubble is a speech bubble: talk to us.
func drawBubble(img *image.RGBA, cx, cy int) {
	fill(img, cx, cy, 200, func(x, y int) bool {
		body := x*x*130*130+(y+30)*(y+30)*190*190 <= 190*190*130*130
		return body || inTriangle(x, y, [3][2]int{{-120, 60}, {-20, 60}, {-170, 185}})
	})
}

// inTriangle reports whether (x, y) lies in the triangle t.
func inTriangle(x, y int, t [3][2]int) bool {
	side := func(a, b [2]int) int { return (b[0]-a[0])*(y-a[1]) - (b[1]-a[1])*(x-a[0]) }
	d1, d2, d3 := side(t[0], t[1]), side(t[1], t[2]), side(t[2], t[0])
	neg := d1 < 0 || d2 < 0 || d3 < 0
	pos := d1 > 0 || d2 > 0 || d3 > 0
	return !(neg && pos)
}

// drawArrow is an arrow pointing ahead: the next step.
func drawArrow(img *image.RGBA, cx, cy int) {
	fill(img, cx, cy, 200, func(x, y int) bool {
		shaft := x >= -180 && x <= 40 && y >= -50 && y <= 50
		head := x > 40 && x <= 190 && abs(y) <= 190-x
		return shaft || head
	})
}

// drawPerson is a head and shoulders: your advisor.
func drawPerson(img *image.RGBA, cx, cy int) {
	fill(img, cx, cy, 200, func(x, y int) bool {
		head := x*x+(y+80)*(y+80) <= 85*85
		body := y >= 40 && y <= 190 && x*x+(y-190)*(y-190) <= 160*160
		return head || body
	})
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// EnsureRichMenu makes the owner menu the channel's default rich menu and
// returns its id. It is idempotent across restarts and replicas: an
// existing menu named RichMenuName is reused; when two replicas create one
// at the same moment, both keep the one with the smaller id and the other
// is deleted by its creator.
func (s *Sender) EnsureRichMenu(ctx context.Context) (string, error) {
	for attempt := 1; ; attempt++ {
		id, err := s.ensureRichMenu(ctx)
		if !errors.Is(err, errMenuGone) || attempt == 3 {
			return id, err
		}
		s.log.InfoContext(ctx, "line rich menu removed by another replica meanwhile; looking again")
	}
}

// errMenuGone means a menu disappeared while being set up: another
// replica removed it after a race.
var errMenuGone = errors.New("rich menu gone")

func (s *Sender) ensureRichMenu(ctx context.Context) (string, error) {
	ids, err := s.ownerMenus(ctx)
	if err != nil {
		return "", err
	}
	if len(ids) == 0 {
		mine, err := s.createMenu(ctx)
		if err != nil {
			return "", err
		}
		if ids, err = s.ownerMenus(ctx); err != nil {
			return "", err
		}
		if len(ids) == 0 {
			return "", errors.New("line: rich menu: created but not listed")
		}
		if ids[0] != mine {
			s.log.InfoContext(ctx, "line rich menu: another replica's menu is kept", "kept", ids[0], "deleted", mine)
		}
	}
	id := ids[0]
	for _, extra := range ids[1:] { // left by a race of replicas: the smallest id wins everywhere
		if err := s.deleteMenu(ctx, extra); err != nil {
			return "", err
		}
	}
	if err := s.setDefaultMenu(ctx, id); err != nil {
		return "", err
	}
	return id, nil
}

// ownerMenus lists the ids of the menus named RichMenuName, sorted.
func (s *Sender) ownerMenus(ctx context.Context) ([]string, error) {
	var list *messaging_api.RichMenuListResponse
	o := s.call(ctx, func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		res, body, err := api.GetRichMenuListWithHttpInfo()
		list = body
		return res, err
	})
	if !o.ok() || list == nil {
		return nil, fmt.Errorf("line: rich menu list: %w", orNoBody(o))
	}
	var ids []string
	for _, m := range list.Richmenus {
		if m.Name == RichMenuName {
			ids = append(ids, m.RichMenuId)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// createMenu creates the owner menu and uploads its image.
func (s *Sender) createMenu(ctx context.Context) (string, error) {
	var created *messaging_api.RichMenuIdResponse
	o := s.call(ctx, func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		res, body, err := api.CreateRichMenuWithHttpInfo(richMenuRequest())
		created = body
		return res, err
	})
	if !o.ok() || created == nil {
		return "", fmt.Errorf("line: create rich menu: %w", orNoBody(o))
	}
	s.log.InfoContext(ctx, "line rich menu created", "rich_menu_id", created.RichMenuId)
	return created.RichMenuId, s.uploadMenuImage(ctx, created.RichMenuId)
}

// uploadMenuImage uploads the menu's image; an image already there (put by
// another replica) is fine.
func (s *Sender) uploadMenuImage(ctx context.Context, id string) error {
	data, err := MenuImage()
	if err != nil {
		return err
	}
	blob, err := messaging_api.NewMessagingApiBlobAPI(s.token, messaging_api.WithBlobEndpoint(s.dataEndpoint),
		messaging_api.WithBlobHTTPClient(s.hc))
	if err != nil {
		return fmt.Errorf("line: rich menu image: %w", err)
	}
	res, _, err := blob.WithContext(ctx).SetRichMenuImageWithHttpInfo(id, "image/png", bytes.NewReader(data))
	if res == nil {
		return fmt.Errorf("line: rich menu image: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode/100 == 2 {
		return nil
	}
	msg := errorMessage(res.Body)
	switch {
	case res.StatusCode == http.StatusBadRequest && strings.Contains(strings.ToLower(msg), "already"):
		return nil
	case res.StatusCode == http.StatusNotFound:
		return fmt.Errorf("line: rich menu image: %w", errMenuGone)
	}
	return fmt.Errorf("line: rich menu image: status %d: %s", res.StatusCode, msg)
}

// setDefaultMenu makes id the default menu; when LINE says its image is
// missing (its creator died before the upload), the image is uploaded
// first.
func (s *Sender) setDefaultMenu(ctx context.Context, id string) error {
	set := func() outcome {
		return s.call(ctx, func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
			res, _, err := api.SetDefaultRichMenuWithHttpInfo(id)
			return res, err
		})
	}
	o := set()
	if o.status == http.StatusBadRequest {
		if err := s.uploadMenuImage(ctx, id); err != nil {
			return err
		}
		o = set()
	}
	switch {
	case o.status == http.StatusNotFound:
		return fmt.Errorf("line: default rich menu: %w", errMenuGone)
	case !o.ok():
		return fmt.Errorf("line: default rich menu: %w", o.problem())
	}
	return nil
}

func (s *Sender) deleteMenu(ctx context.Context, id string) error {
	o := s.call(ctx, func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		res, _, err := api.DeleteRichMenuWithHttpInfo(id)
		return res, err
	})
	if !o.ok() && o.status != http.StatusNotFound {
		return fmt.Errorf("line: delete rich menu: %w", o.problem())
	}
	return nil
}
