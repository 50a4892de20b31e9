package export

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
)

func TestWriteCSVExcelShape(t *testing.T) {
	in := [][]string{
		{"企業名 (company)", "回答 (value)"},
		{"山田製作所", "売上は「前年比 9割」, \"ほぼ横ばい\"\n来月に再確認"},
		{"=HYPERLINK(\"http://x\")", "-3"},
		{"+81 3", "@SUM(A1)"},
		{"- 売上減少", "1.5"},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, in); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if !bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no UTF-8 BOM: % x", data[:min(len(data), 8)])
	}
	if !bytes.HasSuffix(data, []byte("\r\n")) || bytes.Count(data, []byte("\n")) != bytes.Count(data, []byte("\r\n")) {
		t.Errorf("a line does not end with CRLF:\n%q", data)
	}
	got, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		in[0],
		in[1],
		{"'=HYPERLINK(\"http://x\")", "-3"},
		{"'+81 3", "'@SUM(A1)"},
		{"'- 売上減少", "1.5"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back\n%q\nwant\n%q", got, want)
	}
	if !strings.Contains(string(data), "\"売上は「前年比 9割」, \"\"ほぼ横ばい\"\"\r\n来月に再確認\"") {
		t.Errorf("field with comma, quote and newline not quoted as Excel expects:\n%s", data)
	}
}
