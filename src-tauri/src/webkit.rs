//! WebKitGTK's DMA-BUF renderer misbehaves on machines without a usable GPU: without
//! `/dev/dri` (a VM without 3D, a remote desktop) every frame costs 60-110 ms; with NVIDIA's
//! proprietary driver (Wayland above all) or a virtual GPU the window can stay blank. Its
//! shared-memory path works everywhere, so on those machines the app turns the DMA-BUF renderer
//! off (`WEBKIT_DISABLE_DMABUF_RENDERER=1`) before the webview exists.
//!
//! WebKit reads the variable from the environment, and changing our own environment is
//! `unsafe` in Rust 2024 (forbidden here): the app starts itself again with the variable set,
//! which costs one `exec` and only on those machines. A variable already set (to anything,
//! `0` included) is left as it is, so a user can always override the choice.

use std::path::Path;

/// WebKit's switch.
pub const DMABUF_VAR: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
/// Set on the restarted process: why the renderer was turned off (logged once logging runs).
pub const REASON_VAR: &str = "HANDOVER_WEBKIT_WORKAROUND";

/// What the machine has, as far as the renderer is concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graphics {
    /// `/dev/dri` exists (a DRM device).
    pub dri: bool,
    /// NVIDIA's proprietary kernel module is loaded.
    pub nvidia: bool,
    /// The DRM drivers in use (virtio_gpu, vmwgfx, i915, amdgpu…).
    pub drivers: Vec<String>,
}

/// DRM drivers of virtual machines and firmware framebuffers: no DMA-BUF worth the name.
const VIRTUAL_DRIVERS: &[&str] = &[
    "virtio_gpu",
    "virtio-gpu",
    "vmwgfx",
    "qxl",
    "bochs-drm",
    "bochs",
    "cirrus",
    "cirrus-qemu",
    "vboxvideo",
    "hyperv_drm",
    "simple-framebuffer",
    "simpledrm",
];

impl Graphics {
    /// Look at this machine (Linux `/dev` and `/sys`).
    pub fn probe() -> Graphics {
        let drivers = std::fs::read_dir("/sys/class/drm")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|card| std::fs::read_link(card.path().join("device/driver")).ok())
            .filter_map(|driver| Some(driver.file_name()?.to_string_lossy().into_owned()))
            .collect();
        Graphics {
            dri: Path::new("/dev/dri").exists(),
            nvidia: Path::new("/sys/module/nvidia").exists(),
            drivers,
        }
    }

    /// Why the DMA-BUF renderer should be off here, if it should.
    pub fn dmabuf_problem(&self) -> Option<String> {
        if !self.dri {
            return Some("no /dev/dri".into());
        }
        if self.nvidia {
            return Some("NVIDIA proprietary driver".into());
        }
        self.drivers
            .iter()
            .find(|d| VIRTUAL_DRIVERS.contains(&d.as_str()))
            .map(|d| format!("virtual GPU ({d})"))
    }
}

/// Restart the app with the DMA-BUF renderer off when this machine needs it and the user has
/// not chosen; returns only when no restart is needed (or `exec` failed, then the app starts
/// as it is and the reason is in the returned text).
#[cfg(target_os = "linux")]
pub fn apply() -> Option<String> {
    use std::os::unix::process::CommandExt;
    if std::env::var_os(DMABUF_VAR).is_some() {
        return None;
    }
    let reason = Graphics::probe().dmabuf_problem()?;
    let exe = std::env::current_exe().ok()?;
    let err = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(DMABUF_VAR, "1")
        .env(REASON_VAR, &reason)
        .exec();
    Some(format!(
        "could not restart with {DMABUF_VAR}=1 ({reason}): {err}"
    ))
}

/// Other systems need nothing.
#[cfg(not(target_os = "linux"))]
pub fn apply() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gpu(dri: bool, nvidia: bool, drivers: &[&str]) -> Graphics {
        Graphics {
            dri,
            nvidia,
            drivers: drivers.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn a_real_gpu_keeps_the_dmabuf_renderer() {
        assert_eq!(gpu(true, false, &["i915"]).dmabuf_problem(), None);
        assert_eq!(gpu(true, false, &["amdgpu", "i915"]).dmabuf_problem(), None);
    }

    #[test]
    fn no_dri_nvidia_or_a_virtual_gpu_turns_it_off() {
        assert_eq!(
            gpu(false, false, &[]).dmabuf_problem().as_deref(),
            Some("no /dev/dri")
        );
        assert_eq!(
            gpu(true, true, &["nvidia"]).dmabuf_problem().as_deref(),
            Some("NVIDIA proprietary driver")
        );
        assert_eq!(
            gpu(true, false, &["virtio_gpu"])
                .dmabuf_problem()
                .as_deref(),
            Some("virtual GPU (virtio_gpu)")
        );
        assert_eq!(
            gpu(true, false, &["i915", "vmwgfx"])
                .dmabuf_problem()
                .as_deref(),
            Some("virtual GPU (vmwgfx)")
        );
    }
}
