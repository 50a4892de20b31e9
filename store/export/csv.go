package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// bom is the UTF-8 byte order mark: without it Excel reads a CSV file in
// the legacy Shift_JIS code page and garbles Japanese.
const bom = "\uFEFF"

// WriteCSV writes records as CSV that Excel opens correctly: UTF-8 with a
// BOM, CRLF line ends, fields holding commas, quotes or line breaks quoted.
// A text field that Excel would run as a formula (starting with = + - @,
// a tab or a carriage return) is written with a leading apostrophe, so an
// answer cannot execute anything in the reader's spreadsheet; numbers
// such as -3 are left as they are.
func WriteCSV(w io.Writer, records [][]string) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("export: write csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	for _, rec := range records {
		safe := make([]string, len(rec))
		for i, f := range rec {
			safe[i] = defuse(f)
		}
		if err := cw.Write(safe); err != nil {
			return fmt.Errorf("export: write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: write csv: %w", err)
	}
	return nil
}

// defuse prefixes an apostrophe to a field that a spreadsheet would take
// for a formula (CSV injection), unless it is a plain number.
func defuse(f string) string {
	if f == "" || !strings.ContainsRune("=+-@\t\r", rune(f[0])) {
		return f
	}
	if isNumber(f) {
		return f
	}
	return "'" + f
}

// isNumber reports whether f is a signed decimal number such as -3 or +1.5.
func isNumber(f string) bool {
	if f[0] != '-' && f[0] != '+' {
		return false
	}
	_, err := strconv.ParseFloat(f, 64)
	return err == nil && strings.Trim(f[1:], "0123456789.") == "" && len(f) > 1
}
