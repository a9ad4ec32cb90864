package admin

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"iter"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// Decimal is an exact decimal number, such as a cost amount or a sum of
// them: amounts are added without the rounding of float64 (0.1 + 0.2 is
// 0.3). The zero value is 0. A Decimal is immutable, so copies may be
// shared between goroutines.
type Decimal struct {
	digits *big.Int // the number without its point; nil means 0
	scale  int      // how many of the digits follow the point
}

// maxExponent bounds the exponent ParseDecimal accepts, so that a hostile
// "1e999999999" cannot make it allocate a number of a billion digits.
const maxExponent = 1000

// ParseDecimal reads a decimal number in JSON's syntax, such as "12",
// "-0.0042" or "1.5e-7" (the text of a json.Number), exactly.
func ParseDecimal(s string) (Decimal, error) {
	bad := func() (Decimal, error) { return Decimal{}, fmt.Errorf("openai: %q is not a decimal number", s) }
	mantissa, exponent, hasExp := strings.Cut(strings.ToLower(s), "e")
	exp := 0
	if hasExp {
		e, err := strconv.Atoi(exponent)
		if err != nil || e < -maxExponent || e > maxExponent {
			return bad()
		}
		exp = e
	}
	neg := strings.HasPrefix(mantissa, "-")
	mantissa = strings.TrimPrefix(mantissa, "-")
	whole, frac, hasPoint := strings.Cut(mantissa, ".")
	if whole == "" || (hasPoint && frac == "") || !allDigits(whole) || !allDigits(frac) {
		return bad()
	}
	digits, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok {
		return bad()
	}
	if neg {
		digits.Neg(digits)
	}
	scale := len(frac) - exp
	if scale < 0 {
		digits.Mul(digits, pow10(-scale))
		scale = 0
	}
	return Decimal{digits: digits, scale: scale}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// int returns d's digits, 0 for the zero value.
func (d Decimal) int() *big.Int {
	if d.digits == nil {
		return new(big.Int)
	}
	return d.digits
}

// rescaled returns d's digits at a larger scale.
func (d Decimal) rescaled(scale int) *big.Int {
	return new(big.Int).Mul(d.int(), pow10(scale-d.scale))
}

// Add returns d + e, exactly.
func (d Decimal) Add(e Decimal) Decimal {
	scale := max(d.scale, e.scale)
	return Decimal{digits: new(big.Int).Add(d.rescaled(scale), e.rescaled(scale)), scale: scale}
}

// Cmp compares d and e: -1 if d < e, 0 if they are equal, +1 if d > e.
func (d Decimal) Cmp(e Decimal) int {
	scale := max(d.scale, e.scale)
	return d.rescaled(scale).Cmp(e.rescaled(scale))
}

// IsZero reports whether d is 0.
func (d Decimal) IsZero() bool { return d.int().Sign() == 0 }

// Rat returns d as a big.Rat, for arithmetic beyond addition.
func (d Decimal) Rat() *big.Rat {
	return new(big.Rat).SetFrac(d.int(), pow10(d.scale))
}

// String returns d in plain decimal notation, with no exponent and no
// trailing zeros after the point: "0.3", "-12", "0.0000015".
func (d Decimal) String() string {
	text := new(big.Int).Abs(d.int()).String()
	sign := ""
	if d.int().Sign() < 0 {
		sign = "-"
	}
	if d.scale == 0 {
		return sign + text
	}
	if len(text) <= d.scale {
		text = strings.Repeat("0", d.scale-len(text)+1) + text
	}
	whole, frac := text[:len(text)-d.scale], strings.TrimRight(text[len(text)-d.scale:], "0")
	if frac == "" {
		return sign + whole
	}
	return sign + whole + "." + frac
}

// MarshalJSON writes d as a JSON number, exactly.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalJSON reads a JSON number, or a string holding one, exactly.
func (d *Decimal) UnmarshalJSON(data []byte) error {
	text := string(bytes.TrimSpace(data))
	if unquoted, err := strconv.Unquote(text); err == nil && strings.HasPrefix(text, `"`) {
		text = unquoted
	}
	v, err := ParseDecimal(text)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// CostTotal is what one group spent over the results summed by SumCosts.
type CostTotal struct {
	// Key is the value the results were grouped by, such as a project id
	// (ByProject) or a line item (ByLineItem); empty for the results that
	// have none.
	Key string
	// Currency is the currency of Amount, such as "usd".
	Currency string
	// Amount is the exact sum of the results' amounts.
	Amount Decimal
	// Results is how many results were added up.
	Results int
}

// ByProject groups cost results by project: ask the API to group by
// `project_id` (GetCostsParams.GroupBy) so that results carry one.
func ByProject(c CostResult) string { return deref(c.ProjectID) }

// ByLineItem groups cost results by line item, such as
// "gpt-4o, input_tokens": ask the API to group by `line_item`.
func ByLineItem(c CostResult) string { return deref(c.LineItem) }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// errCostAmount is returned, wrapped, by SumCosts for an amount that is
// not a decimal number.
var errCostAmount = errors.New("openai: cost amount is not a decimal number")

// SumCosts adds up cost results (from CostRecords) by key and currency,
// with exact decimal arithmetic, and returns the totals sorted by key then
// currency. key groups the results, such as ByProject or ByLineItem; a nil
// key sums them all under "". A result without an amount counts as 0. It
// stops at the first error of costs, or at an amount that is not a
// number, and returns it.
func SumCosts(costs iter.Seq2[UsageRecord[CostResult], error], key func(CostResult) string) ([]CostTotal, error) {
	type group struct{ key, currency string }
	totals := map[group]*CostTotal{}
	for rec, err := range costs {
		if err != nil {
			return nil, err
		}
		g := group{}
		if key != nil {
			g.key = key(rec.Result)
		}
		var amount Decimal
		if a := rec.Result.Amount; a != nil {
			g.currency = deref(a.Currency)
			if a.Value != nil {
				v, err := ParseDecimal(a.Value.String())
				if err != nil {
					return nil, fmt.Errorf("%w: %q in the bucket starting at %d", errCostAmount, a.Value.String(), rec.StartTime)
				}
				amount = v
			}
		}
		t := totals[g]
		if t == nil {
			t = &CostTotal{Key: g.key, Currency: g.currency}
			totals[g] = t
		}
		t.Amount = t.Amount.Add(amount)
		t.Results++
	}
	out := make([]CostTotal, 0, len(totals))
	for _, t := range totals {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b CostTotal) int {
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Currency, b.Currency))
	})
	return out, nil
}
