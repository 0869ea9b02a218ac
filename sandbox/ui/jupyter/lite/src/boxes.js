// Boxes that keep their children's views (issue 14: a trainee's action, in a class of 30 on one
// server). ipywidgets' box draws its children afresh whenever its `children` change: every view
// from the first changed child on is removed and made again. The app swaps what a box holds all
// the time — the screen area between the login form and a screen, a form and what follows its
// save — so each such action had the browser tear down and rebuild hundreds of elements that it
// had drawn a minute before, for models that never changed.
//
// Here a box keeps the view it made for each child model. A child that leaves the box is only
// detached from the page (its view still follows its model, so it is up to date when it comes
// back); a child that comes back is attached again. A view is made once per child model, and is
// let go when its model is closed (the kernel closed the widget) or the box itself goes. What the
// page shows is the same: the same views, in the order of `children`.

import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

function keeping(Base) {
  return class extends Base {
    initialize(parameters) {
      super.initialize(parameters);
      this.gfViews = new Map(); // key (model and its occurrence in `children`) -> Promise<view>
      this.gfTurn = 0; // the latest `children`: an older answer that arrives late is not drawn
    }

    // A child's view, made once: the same model a second time in one box gets a second view.
    viewFor(model, occurrence) {
      const key = occurrence ? `${model.cid}#${occurrence}` : model.cid;
      let made = this.gfViews.get(key);
      if (!made) {
        made = this.create_child_view(model).catch((error) => {
          console.error('a box could not draw a child:', error);
          return null;
        });
        this.gfViews.set(key, made);
        this.listenTo(model, 'destroy', () => this.gfViews.delete(key));
      }
      return made;
    }

    update_children() {
      if (!this.gfViews) return; // removed
      const models = this.model.get('children') || [];
      const seen = new Map();
      const asked = models.map((model) => {
        const n = seen.get(model) || 0;
        seen.set(model, n + 1);
        return this.viewFor(model, n);
      });
      const turn = ++this.gfTurn;
      return Promise.all(asked).then((views) => {
        if (turn !== this.gfTurn || !this.gfViews || this.luminoWidget.isDisposed) return;
        const panel = this.luminoWidget;
        const wanted = views.filter((view) => view && !view.luminoWidget.isDisposed).map((view) => view.luminoWidget);
        const keep = new Set(wanted);
        for (const widget of Array.from(panel.widgets)) {
          if (!keep.has(widget)) widget.parent = null; // detached, kept for when it comes back
        }
        wanted.forEach((widget, i) => {
          if (panel.widgets[i] !== widget) panel.insertWidget(i, widget);
        });
        // as ipywidgets' box does: tell the children their size may have changed
        wanted.forEach((widget) => MessageLoop.postMessage(widget, Widget.ResizeMessage.UnknownSize));
      });
    }

    remove() {
      const views = this.gfViews;
      this.gfViews = null;
      if (views) {
        const shown = new Set(this.luminoWidget.widgets);
        for (const made of views.values()) {
          // the views not on the page now; those on it go with the box
          made.then((view) => view && !shown.has(view.luminoWidget) && view.remove());
        }
      }
      return super.remove();
    }
  };
}

// '@jupyter-widgets/controls' with its box views replaced by keeping ones.
export function keepingBoxes(controls) {
  return {
    ...controls,
    BoxView: keeping(controls.BoxView),
    HBoxView: keeping(controls.HBoxView),
    VBoxView: keeping(controls.VBoxView),
    GridBoxView: keeping(controls.GridBoxView),
  };
}
