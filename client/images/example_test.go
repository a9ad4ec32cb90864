package images_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/images"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// exampleT stands in for the *testing.T that openaitest.NewServer takes, as
// examples have none: a failure (such as a request the spec does not allow)
// is printed, so the example's output no longer matches, and finish runs the
// cleanups that close the server.
type exampleT struct {
	cleanups []func()
}

func (t *exampleT) Helper()                           {}
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }
func (t *exampleT) Fatalf(format string, args ...any) { fmt.Printf("FATAL: "+format+"\n", args...) }

func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// examplePNG returns a w×h PNG, base64-encoded as in the answers of the
// image operations.
func examplePNG(w, h int) string {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.NRGBA{R: uint8(x * 40), G: 120, B: uint8(y * 40), A: 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img) // cannot fail: the image and buf are in memory
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// GPT image models answer with the image itself, base64-encoded: decode it
// into bytes to save, or into an image.Image.
func ExampleService_Create() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createImage").Reply(map[string]any{
		"created": 1713833628, "background": "opaque", "output_format": "png", "quality": "low", "size": "1024x1024",
		"data": []any{map[string]any{"b64_json": examplePNG(6, 4)}},
		"usage": map[string]any{"total_tokens": 292, "input_tokens": 20, "output_tokens": 272,
			"input_tokens_details": map[string]any{"text_tokens": 20, "image_tokens": 0}},
	})
	svc := images.New(srv.Client())

	model := "gpt-image-1"
	size := "1024x1024"
	quality := images.CreateRequestQualityLow
	resp, err := svc.Create(context.Background(), images.CreateRequest{
		Prompt: "A gopher surfing a wave at sunset, watercolor",
		Model:  &model, Size: &size, Quality: &quality,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range resp.Data {
		data, err := base64.StdEncoding.DecodeString(*d.B64Json)
		if err != nil {
			log.Fatal(err)
		}
		// os.WriteFile("gopher.png", data, 0o644) saves it.
		img, format, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(format, img.Bounds().Dx(), "x", img.Bounds().Dy())
	}
	fmt.Println(resp.Usage.TotalTokens, "tokens")
	// Output:
	// png 6 x 4
	// 292 tokens
}

// A streamed image arrives as drafts (PartialImages of them) before the
// final image, to show progress.
func ExampleService_CreateStream() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	event := func(typ string, fields map[string]any) openaitest.Event {
		fields["type"], fields["created_at"], fields["size"], fields["quality"], fields["background"], fields["output_format"] =
			typ, 1713833628, "1024x1024", "medium", "opaque", "png"
		return openaitest.Named(typ, fields)
	}
	srv.On("createImage").Stream(
		event("image_generation.partial_image", map[string]any{"partial_image_index": 0, "b64_json": examplePNG(2, 2)}),
		event("image_generation.partial_image", map[string]any{"partial_image_index": 1, "b64_json": examplePNG(4, 4)}),
		event("image_generation.completed", map[string]any{"b64_json": examplePNG(8, 8),
			"usage": map[string]any{"total_tokens": 1100, "input_tokens": 20, "output_tokens": 1080}}))
	svc := images.New(srv.Client())

	model := "gpt-image-1"
	drafts := 2
	stream, err := svc.CreateStream(context.Background(), images.CreateRequest{
		Prompt: "A gopher surfing a wave at sunset, watercolor", Model: &model, PartialImages: &drafts})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	show := func(what, b64 string) {
		data, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			log.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %dx%d\n", what, cfg.Width, cfg.Height)
	}
	for ev, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		switch ev := ev.(type) {
		case images.GenPartialImageEvent:
			show(fmt.Sprint("draft ", ev.PartialImageIndex), ev.B64Json)
		case images.GenCompletedEvent:
			show("final", ev.B64Json)
			fmt.Println(ev.Usage.TotalTokens, "tokens")
		}
	}
	// Output:
	// draft 0: 2x2
	// draft 1: 4x4
	// final: 8x8
	// 1100 tokens
}

// An edit takes up to 16 images, sent as image[] parts, and an optional
// mask whose transparent pixels mark where to paint.
func ExampleService_CreateEdit() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createImageEdit").Reply(map[string]any{"created": 1713833628, "output_format": "png", "size": "1024x1024",
		"data": []any{map[string]any{"b64_json": examplePNG(3, 3)}}})
	svc := images.New(srv.Client())

	photo := func(name string) io.Reader { // os.Open(name) in a program
		data, _ := base64.StdEncoding.DecodeString(examplePNG(3, 3))
		return client.File(bytes.NewReader(data), name, "image/png")
	}
	model := "gpt-image-1"
	fidelity := images.CreateEditRequestInputFidelityHigh
	resp, err := svc.CreateEdit(context.Background(), images.CreateEditRequest{
		Prompt:        "Put the lotion and the soap in a gift basket",
		Image:         []io.Reader{photo("lotion.png"), photo("soap.png")},
		Mask:          photo("mask.png"),
		Model:         &model,
		InputFidelity: &fidelity,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(resp.Data), "image,", *resp.Size)

	form, err := srv.LastRequest().Form()
	if err != nil {
		log.Fatal(err)
	}
	defer form.RemoveAll()
	for _, field := range []string{"image[]", "mask"} {
		for _, f := range form.File[field] {
			fmt.Println("sent", field, f.Filename)
		}
	}
	// Output:
	// 1 image, 1024x1024
	// sent image[] lotion.png
	// sent image[] soap.png
	// sent mask mask.png
}

// An edit can be streamed too, with drafts before the final image.
func ExampleService_CreateEditStream() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createImageEdit").Stream(
		openaitest.Named("image_edit.partial_image", map[string]any{"type": "image_edit.partial_image", "partial_image_index": 0,
			"b64_json": examplePNG(2, 3), "created_at": 1713833628, "size": "1024x1536", "quality": "medium", "output_format": "webp"}),
		openaitest.Named("image_edit.completed", map[string]any{"type": "image_edit.completed",
			"b64_json": examplePNG(4, 6), "created_at": 1713833640, "size": "1024x1536", "quality": "medium", "output_format": "webp",
			"usage": map[string]any{"total_tokens": 1200, "input_tokens": 400, "output_tokens": 800}}))
	svc := images.New(srv.Client())

	room, _ := base64.StdEncoding.DecodeString(examplePNG(2, 3)) // os.Open("room.png") in a program
	drafts := 1
	stream, err := svc.CreateEditStream(context.Background(), images.CreateEditRequest{
		Prompt:        "Paint the walls blue",
		Image:         []io.Reader{client.File(bytes.NewReader(room), "room.png", "image/png")},
		PartialImages: &drafts,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	for ev, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		switch ev := ev.(type) {
		case images.EditPartialImageEvent:
			fmt.Println("draft", ev.PartialImageIndex, *ev.Size)
		case images.EditCompletedEvent:
			data, err := base64.StdEncoding.DecodeString(ev.B64Json)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Println("final", *ev.Size, len(data) > 0, ev.Usage.TotalTokens, "tokens")
		}
	}
	// Output:
	// draft 0 1024x1536
	// final 1024x1536 true 1200 tokens
}

// Variations (dall-e-2) come back as links, valid for an hour, unless
// ResponseFormat asks for b64_json.
func ExampleService_CreateVariation() {
	t := &exampleT{}
	defer t.finish()
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("createImageVariation").Reply(`{"created":1713833628,"data":[
		{"url":"https://oaidalleapiprodscus.blob.core.windows.net/private/img-1.png"},
		{"url":"https://oaidalleapiprodscus.blob.core.windows.net/private/img-2.png"}]}`)
	svc := images.New(srv.Client())

	otter, _ := base64.StdEncoding.DecodeString(examplePNG(4, 4)) // os.Open("otter.png") in a program
	model := "dall-e-2"
	n := 2
	size := images.CreateVariationRequestSizeN256X256
	resp, err := svc.CreateVariation(context.Background(), images.CreateVariationRequest{
		Image: client.File(bytes.NewReader(otter), "otter.png", "image/png"),
		Model: &model, N: &n, Size: &size,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range resp.Data {
		fmt.Println(*d.URL) // download with http.Get before it expires
	}
	// Output:
	// https://oaidalleapiprodscus.blob.core.windows.net/private/img-1.png
	// https://oaidalleapiprodscus.blob.core.windows.net/private/img-2.png
}
