//! A QR code of a short text (an `otpauth://` address) drawn with block characters, two
//! modules per character cell, light modules drawn, for a terminal's light-on-dark text.

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

/// The code's lines, its quiet zone included; None when the text does not fit a QR code.
pub fn terminal_lines(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The drawn code read back by an independent decoder (rqrr), module by module.
    #[test]
    fn the_drawn_code_decodes_to_the_text() {
        let uri = "otpauth://totp/us-east-1_cwsLocal1:mia?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=us-east-1_cwsLocal1";
        let drawn = terminal_lines(uri).unwrap();
        // Each character is two modules: top and bottom; a drawn half is a light module.
        let rows: Vec<Vec<char>> = drawn.lines().map(|l| l.chars().collect()).collect();
        let width = rows[0].len();
        let height = rows.len() * 2;
        let light = |x: usize, y: usize| -> bool {
            let c = rows[y / 2][x];
            matches!((c, y % 2), ('█', _) | ('▀', 0) | ('▄', 1))
        };
        const SCALE: usize = 4;
        let mut image =
            rqrr::PreparedImage::prepare_from_greyscale(width * SCALE, height * SCALE, |x, y| {
                if light(x / SCALE, y / SCALE) { 255 } else { 0 }
            });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, uri);
    }

    #[test]
    fn text_too_long_for_a_code_gives_none() {
        assert!(terminal_lines(&"x".repeat(8000)).is_none());
    }
}
