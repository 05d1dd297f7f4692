// The map's HTML markers, made as plain DOM (site-map.ts places them with MapLibre): building
// names with their pin buttons, pickup points, and the handles of what is being edited, each a
// keyboard-reachable button with an accessible name.
import type { Direction } from '../domain/geo.ts';
import { POST_TYPES } from '../domain/kinds/post.ts';
import { TYPE_SHAPE, type BuildingPins } from './pins.ts';

/** The texts the markers carry, in the resident's language. */
export interface MapLabels {
  pin(building: string, posts: number, urgent: number): string;
  /** A handle's accessible name: a building's corner `n` of `of`, or a pickup point (of 1). */
  handle(n: number, of: number): string;
}

/** What a handle tells the map's owner. */
export interface HandleEvents {
  chooseHandle(handle: number): void;
  nudgeHandle(handle: number, direction: Direction): void;
}

/** The arrow keys that move a handle, as the arrow buttons beside the map do. */
const ARROW_KEYS: Readonly<Record<string, Direction>> = {
  ArrowUp: 'north',
  ArrowDown: 'south',
  ArrowLeft: 'west',
  ArrowRight: 'east',
};

/** A building's name, with the button of its posts' pins if it has any. */
export function buildingLabel(
  name: string,
  pins: BuildingPins | undefined,
  labels: MapLabels,
  select: (building: string) => void,
): HTMLElement {
  const element = document.createElement('div');
  element.className = 'map-building';
  const label = document.createElement('span');
  label.className = 'map-label';
  label.textContent = name;
  element.append(label);
  if (pins) element.append(pinButton(pins, labels, select));
  return element;
}

export function pickupLabel(name: string): HTMLElement {
  const element = document.createElement('span');
  element.className = 'map-label map-pickup';
  element.textContent = `⚑ ${name}`;
  return element;
}

/** Handle `i` of `of`: chosen by a tap, moved with the arrow keys (dragging is the marker's). */
export function handleButton(
  i: number,
  of: number,
  chosen: boolean,
  labels: MapLabels,
  events: HandleEvents,
): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'map-handle';
  button.setAttribute('aria-label', labels.handle(i + 1, of));
  button.setAttribute('aria-pressed', String(chosen));
  button.addEventListener('click', (event) => {
    event.stopPropagation();
    events.chooseHandle(i);
  });
  button.addEventListener('keydown', (event) => {
    const direction = ARROW_KEYS[event.key];
    if (!direction) return;
    // The map pans on arrow keys too: here they move the handle instead.
    event.preventDefault();
    event.stopPropagation();
    events.nudgeHandle(i, direction);
  });
  return button;
}

function pinButton(group: BuildingPins, labels: MapLabels, select: (building: string) => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'map-pin';
  const total = group.posts.length;
  button.setAttribute('aria-label', labels.pin(group.building, total, group.urgent));
  for (const type of POST_TYPES) {
    if (group.counts[type] === 0) continue;
    const part = document.createElement('span');
    part.className = `map-pin-${type}`;
    part.setAttribute('aria-hidden', 'true');
    part.textContent = `${TYPE_SHAPE[type]}${group.counts[type]}`;
    button.append(part);
  }
  if (group.urgent > 0) {
    const urgent = document.createElement('span');
    urgent.className = 'map-pin-urgent';
    urgent.setAttribute('aria-hidden', 'true');
    urgent.textContent = `!${group.urgent}`;
    button.append(urgent);
  }
  button.addEventListener('click', (event) => {
    // The marker sits on the canvas: its click must not also count as a tap on the map.
    event.stopPropagation();
    select(group.building);
  });
  return button;
}
